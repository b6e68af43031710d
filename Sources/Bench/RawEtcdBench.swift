import EtcdClient
import Processes
import Synchronization

/// etcd alone, through `EtcdClient`: the baseline headnet is compared with. The same method as
/// etcd's Go client reference (`scripts/clientv3-bench/main.go`): sequential puts, puts with K
/// in flight, and put→watch latency with one put at a time, timed until the watch reports it;
/// plus the same latency until a watch on *every* member reports it, the fair baseline for
/// headnet's "delivered on every node", which ``withEveryMemberProbe(_:)`` measures in rounds
/// between headnet's own.
///
/// Keys live under `bench/<run>/` (never in `msg`..`msh`, which the nodes watch) and are
/// deleted afterwards, also when a measurement fails.
struct RawEtcdBench: Sendable {
    /// Client URLs of the members, the one puts go to first.
    var endpoints: [String]
    /// Client TLS, nil when the cluster has TLS off.
    var tls: EtcdClientConfiguration.TLS?
    /// Sizes and counts.
    var configuration: BenchConfiguration
    /// The run tag (keys live under `bench/<run>/`).
    var run: String
    /// Called with one line per finished measurement.
    var progress: @Sendable (String) -> Void

    var prefix: String { "bench/\(run)/" }

    private var value: [UInt8] { [UInt8](repeating: UInt8(ascii: "x"), count: configuration.size) }

    /// The throughputs and the same-member latency; ``BenchReport/Raw/putToWatchEveryMember`` is
    /// left empty for ``withEveryMemberProbe(_:)``.
    func measure() async throws -> BenchReport.Raw {
        try await withClient(what: "the raw etcd measurements") { etcd, watchdog in
            try await measure(etcd, value: value, watchdog: watchdog)
        }
    }

    /// Runs `body` with a probe of put→watch on every member (one client per member, watches
    /// open throughout); the probe's calls fail when they make no progress for the stall time.
    func withEveryMemberProbe<T: Sendable>(_ body: @escaping @Sendable (_ measure: @escaping @Sendable (Int) async throws -> Void) async throws -> T)
        async throws -> (T, LatencySummary)
    {
        try await withClient(what: "raw put→watch on every member") { etcd, watchdog in
            try await withMemberClients { members in
                let probe = try await PutToWatchProbe(putters: members, watchers: members, prefix: "\(prefix)every/", value: value, watchdog: watchdog)
                let result = try await body { count in
                    try await watchdog.run(stall: configuration.stallTimeout, what: "raw put→watch on every member") { try await probe.measure(count) }
                }
                let summary = await probe.summary
                progress("raw etcd: put→watch on every member, p50/p90/p99 \(summary.p50Ms)/\(summary.p90Ms)/\(summary.p99Ms) ms")
                return (result, summary)
            }
        }
    }

    /// Runs `body` with a client of every endpoint, deleting the run's keys afterwards (also
    /// when `body` fails).
    private func withClient<T: Sendable>(what: String, _ body: @escaping @Sendable (EtcdClient, ProgressWatchdog) async throws -> T) async throws -> T {
        do {
            return try await EtcdClient.withClient(.init(endpoints: endpoints, tls: tls)) { etcd in
                let watchdog = ProgressWatchdog()
                do {
                    let result = try await body(etcd, watchdog)
                    let deleted = try await etcd.delete(.prefix(prefix)).deleted
                    progress("raw etcd: deleted the \(deleted) keys under \(prefix)")
                    return result
                } catch {
                    _ = try? await etcd.delete(.prefix(prefix))
                    throw error
                }
            }
        } catch let error as BenchError {
            throw error
        } catch {
            throw BenchError(.etcd, "\(what) failed; check the members with `headnet status`", cause: error)
        }
    }

    private func measure(_ etcd: EtcdClient, value: [UInt8], watchdog: ProgressWatchdog) async throws -> BenchReport.Raw {
        try await watchdog.run(stall: configuration.stallTimeout, what: "the raw etcd measurements") {
            let clock = ContinuousClock()
            let puts = configuration.rawPuts
            var started = clock.now
            for index in 0..<puts {
                try await etcd.put(key: Array("\(prefix)seq/\(index)".utf8), value: value)
                watchdog.tick()
            }
            let sequential = Self.rate(puts, clock.now - started)
            progress("raw etcd: \(puts) sequential puts of \(value.count) bytes: \(Int(sequential)) puts/s")

            let inFlight = min(configuration.senders, puts)
            started = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<inFlight {
                    group.addTask {
                        for index in stride(from: worker, to: puts, by: inFlight) {
                            try await etcd.put(key: Array("\(prefix)par/\(index)".utf8), value: value)
                            watchdog.tick()
                        }
                    }
                }
                try await group.waitForAll()
            }
            let concurrent = Self.rate(puts, clock.now - started)
            progress("raw etcd: \(puts) puts, \(inFlight) in flight: \(Int(concurrent)) puts/s")

            let probe = try await PutToWatchProbe(putters: [etcd], watchers: [etcd], prefix: "\(prefix)same/", value: value, watchdog: watchdog)
            try await probe.measure(configuration.rawLatencySamples)
            let same = await probe.summary
            progress("raw etcd: put→watch on the same member, p50/p90/p99 \(same.p50Ms)/\(same.p90Ms)/\(same.p99Ms) ms")
            return BenchReport.Raw(
                sequentialPuts: puts, sequentialPutsPerSecond: sequential, inFlight: inFlight, inFlightPuts: puts,
                inFlightPutsPerSecond: concurrent, putToWatchSameMember: same, putToWatchEveryMember: LatencyRecorder().summary)
        }
    }

    /// Runs `body` with one client per member, each on that member alone.
    private func withMemberClients<T: Sendable>(_ body: ([EtcdClient]) async throws -> T) async throws -> T {
        func nest(_ remaining: ArraySlice<String>, _ clients: [EtcdClient]) async throws -> T {
            guard let endpoint = remaining.first else { return try await body(clients) }
            return try await EtcdClient.withClient(.init(endpoints: [endpoint], tls: tls, failoverTimeout: .zero)) { client in
                try await nest(remaining.dropFirst(), clients + [client])
            }
        }
        return try await nest(endpoints[...], [])
    }

    /// `count` per second over `duration`, rounded to 0.1.
    static func rate(_ count: Int, _ duration: Duration) -> Double {
        let seconds = duration.inSeconds
        return seconds > 0 ? (Double(count) / seconds * 10).rounded() / 10 : 0
    }
}

/// Fails a long measurement that stops making progress: `run` polls once a second and throws
/// when no ``tick()`` came for the stall time.
final class ProgressWatchdog: Sendable {
    private let ticks = Atomic<Int>(0)

    /// Notes progress.
    func tick() { ticks.add(1, ordering: .relaxed) }

    /// Runs `body`, cancelled with an error naming `what` when it makes no progress for `stall`.
    func run<T: Sendable>(stall: Duration, what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                let clock = ContinuousClock()
                var seen = self.ticks.load(ordering: .relaxed)
                var since = clock.now
                while true {
                    try await Task.sleep(for: .seconds(1))
                    let now = self.ticks.load(ordering: .relaxed)
                    if now != seen {
                        seen = now
                        since = clock.now
                    } else if clock.now - since >= stall {
                        throw BenchError(.etcd, "\(what) made no progress for \(stall); check the members with `headnet status`")
                    }
                }
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw BenchError(.cancelled, "the bench was interrupted")
        }
    }
}
