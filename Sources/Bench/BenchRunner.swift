import EtcdClient
import Foundation
import NIOCore
import NIOPosix
import Processes
import Synchronization

/// One `headnet bench` run against a running cluster: raw etcd's throughputs first, then, with
/// one follow stream per node open throughout, the latencies in rounds (raw put→watch on every
/// member, then headnet's low-load broadcasts, in turn) and headnet's saturation; then the
/// report.
public struct BenchRunner: Sendable {
    /// The cluster.
    public var target: BenchTarget
    /// Sizes and counts.
    public var configuration: BenchConfiguration
    /// Called with one line per finished phase (the CLI prints them on standard error).
    public var progress: @Sendable (String) -> Void

    /// A run of `configuration` on `target`.
    public init(target: BenchTarget, configuration: BenchConfiguration, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.target = target
        self.configuration = configuration
        self.progress = progress
    }

    /// The build configuration of this binary.
    public static var build: String {
        #if DEBUG
        "debug"
        #else
        "release"
        #endif
    }

    /// Runs every measurement.
    ///
    /// - Throws: ``BenchError``: `options` for an unusable configuration, `node` when a node does
    ///   not answer or refuses a post, `undelivered` when a message is not delivered on every
    ///   node in time, `duplicate` when a node delivers one twice, `etcd` when etcd fails.
    public func run() async throws -> BenchReport {
        let problems = configuration.problems
        guard problems.isEmpty else { throw BenchError(.options, problems.joined(separator: "; ")) }
        guard target.nodes.count <= 64 else { throw BenchError(.options, "the bench handles clusters of up to 64 nodes") }
        try await target.verify()
        let clock = ContinuousClock()
        let started = clock.now
        let run = "b" + String(format: "%04x", UInt16.random(in: .min ... .max))
        let endpoints = target.nodes.map(\.etcdEndpoint)
        let etcdVersion = try await members { $0.first?.version ?? "?" }

        let rawBench = RawEtcdBench(endpoints: endpoints, tls: target.tls, configuration: configuration, run: run, progress: progress)
        var raw = try await rawBench.measure()

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let (headnet, memory, database, every) = try await measureHeadnet(run: run, loop: group.next(), rawBench: rawBench)
            raw.putToWatchEveryMember = every
            try await group.shutdownGracefully()
            let elapsed = clock.now - started
            return BenchReport(
                machine: .init(cores: ProcessInfo.processInfo.activeProcessorCount, etcdVersion: etcdVersion, build: Self.build),
                setup: .init(
                    nodes: target.nodes.count, ownDevnet: target.ownDevnet, spec: target.spec, messages: configuration.messages,
                    size: configuration.size, senders: configuration.senders, rawPuts: configuration.rawPuts,
                    rawLatencySamples: configuration.rawLatencySamples, lowLoadSamples: configuration.lowLoadSamples,
                    latencyRounds: configuration.latencyRounds, sliceSize: configuration.effectiveSliceSize),
                raw: raw, headnet: headnet, ratios: BenchRatios(raw: raw, headnet: headnet), nodeRSS: memory, etcdDbSize: database,
                seconds: (elapsed.inSeconds * 10).rounded() / 10)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Quiet time before each round of raw samples, longer than the nodes' checkpoint delay, so
    /// that the background work a low-load round leaves (the journal's and the revision's
    /// fdatasync) does not fall on raw etcd's samples.
    static let roundPause: Duration = .seconds(1)

    /// headnet's phases, and raw put→watch on every member in rounds with the low-load one.
    private func measureHeadnet(run: String, loop: any EventLoop, rawBench: RawEtcdBench) async throws
        -> (BenchReport.Headnet, [BenchReport.NodeMemory], BenchReport.DatabaseSize, LatencySummary)
    {
        let plan = MessagePlan(
            run: run, nodes: target.nodes.count, lowLoadSamples: configuration.lowLoadSamples, messages: configuration.messages,
            senders: configuration.senders)
        let board = DeliveryBoard(plan: plan, nodeNames: target.nodes.map(\.name), loop: loop)
        let pids = target.nodes.indices.map { target.pid(of: $0) }
        let memory = Mutex(zip(target.nodes, pids).map { node, pid in
            BenchReport.NodeMemory(node: node.name, pid: pid, beforeBytes: pid.flatMap(ProcessMemory.residentBytes(pid:)))
        })
        let before = try await members { members in (members.map(\.dbSize).max() ?? 0, members.map(\.header.revision).max() ?? 0) }

        var streams: [any Channel] = []
        do {
            for (index, node) in target.nodes.enumerated() {
                let position = try await journalLength(of: index)
                streams.append(try await FollowStream.open(host: "127.0.0.1", port: node.apiPort, node: index, after: position, board: board))
            }
            let phases = HeadnetPhases(target: target, configuration: configuration, plan: plan, board: board, progress: progress)
            // The latencies in rounds: raw etcd's samples, then headnet's, in turn.
            let rawRounds = MessagePlan.rounds(of: 0..<configuration.rawLatencySamples, count: configuration.latencyRounds)
            let lowLoadRounds = MessagePlan.rounds(of: plan.lowLoad, count: configuration.latencyRounds)
            let (_, every) = try await rawBench.withEveryMemberProbe { rawLatency in
                for round in 0..<max(rawRounds.count, lowLoadRounds.count) {
                    if round < rawRounds.count {
                        if round > 0 { try await Task.sleep(for: Self.roundPause) }
                        try await rawLatency(rawRounds[round].count)
                    }
                    if round < lowLoadRounds.count { try await phases.lowLoad(slots: lowLoadRounds[round]) }
                }
            }
            let lowLoad = try await phases.lowLoadSummary()
            let startRevision = try await members { $0.map(\.header.revision).max() ?? 0 }
            let saturation = try await phases.saturation {
                memory.withLock { nodes in
                    for index in nodes.indices { nodes[index].afterFirstSliceBytes = pids[index].flatMap(ProcessMemory.residentBytes(pid:)) }
                }
            }
            let after = try await members { members in (members.map(\.dbSize).max() ?? 0, members.map(\.header.revision).max() ?? 0) }
            memory.withLock { nodes in
                for index in nodes.indices { nodes[index].endBytes = pids[index].flatMap(ProcessMemory.residentBytes(pid:)) }
            }
            if let failure = try await board.currentFailure() { throw failure }
            await board.close()
            for stream in streams { try? await stream.close() }
            let revisions = after.1 - startRevision
            let headnet = BenchReport.Headnet(
                lowLoad: lowLoad, saturation: saturation, revisions: revisions,
                revisionsPerThousandMessages: (Double(revisions) / Double(saturation.messages) * 1000 * 10).rounded() / 10)
            progress("headnet: \(revisions) etcd revisions for \(saturation.messages) messages; etcd db \(before.0) → \(after.0) bytes")
            return (headnet, memory.withLock { $0 }, BenchReport.DatabaseSize(beforeBytes: before.0, afterBytes: after.0), every)
        } catch {
            await board.close()
            for stream in streams { try? await stream.close() }
            throw error
        }
    }

    /// How many entries node number `index`'s journal holds (`delivered` of `GET /status`).
    private func journalLength(of index: Int) async throws -> Int {
        do {
            return try await target.apiClients[index].statusDocument().delivered
        } catch {
            throw BenchError(.node, "cannot read the status of \(target.nodes[index].name)", cause: error)
        }
    }

    /// Maintenance Status of every member, through `EtcdClient`.
    private func members<T: Sendable>(_ body: @escaping @Sendable ([EtcdStatus]) -> T) async throws -> T {
        do {
            return try await EtcdClient.withClient(.init(endpoints: target.nodes.map(\.etcdEndpoint), tls: target.tls, failoverTimeout: .zero)) { etcd in
                var statuses: [EtcdStatus] = []
                for index in target.nodes.indices { statuses.append(try await etcd.status(endpoint: index)) }
                return body(statuses)
            }
        } catch {
            throw BenchError(.etcd, "cannot read the status of the etcd members; check them with `headnet status -f \(target.spec)`", cause: error)
        }
    }
}
