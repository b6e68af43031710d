import EtcdClient
import Processes

/// Raw etcd's put→watch latency, one put at a time, each timed until every watch of `watchers`
/// reported it. The puts go to `putters` in turn, as headnet's low-load broadcasts go through
/// each node's own member in turn (a member that is not the leader forwards the put to it).
/// The watches stay open between calls of ``measure(_:)``, so the samples can be taken in
/// rounds between headnet's (see ``BenchRunner``).
actor PutToWatchProbe {
    private let putters: [EtcdClient]
    private let watchers: [EtcdClient]
    private let watched: String
    private let value: [UInt8]
    private let watchdog: ProgressWatchdog
    private var iterators: [AsyncThrowingStream<EtcdWatchResponse, any Error>.AsyncIterator]
    private var recorder = LatencyRecorder()
    private var next = 0

    /// A probe putting `value` under `prefix` through `putters` in turn, watched by `watchers`
    /// from the next revision on (a watch made "from now" could start after the first put).
    init(putters: [EtcdClient], watchers: [EtcdClient], prefix: String, value: [UInt8], watchdog: ProgressWatchdog) async throws {
        precondition(!putters.isEmpty, "a probe puts through at least one client")
        self.putters = putters
        self.watchers = watchers
        self.watched = prefix
        self.value = value
        self.watchdog = watchdog
        let start = try await putters[0].status(endpoint: 0).header.revision + 1
        iterators = watchers.map { $0.watch(prefix: prefix, startRevision: start).makeAsyncIterator() }
    }

    /// Takes `count` more samples.
    ///
    /// - Throws: ``BenchError`` `etcd` when a watch ends; the client's error when a put fails.
    func measure(_ count: Int) async throws {
        let clock = ContinuousClock()
        for _ in 0..<count {
            let name = Array("\(watched)\(next)".utf8)
            let putter = putters[next % putters.count]
            next += 1
            let began = clock.now
            try await putter.put(key: name, value: value)
            for index in iterators.indices {
                var iterator = iterators[index]
                var seen = false
                while !seen {
                    guard let response = try await iterator.next(isolation: self) else {
                        throw BenchError(.etcd, "the watch on \(watchers[index].endpoints[0]) ended; check the member with `headnet status`")
                    }
                    seen = response.events.contains { $0.kv.key == name }
                }
                iterators[index] = iterator
            }
            let elapsed = clock.now - began
            recorder.record(nanoseconds: UInt64(max(elapsed.inNanoseconds, 0)))
            watchdog.tick()
        }
    }

    /// The samples so far.
    var summary: LatencySummary { recorder.summary }
}
