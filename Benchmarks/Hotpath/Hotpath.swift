// Micro-benchmarks of the node's hot path: the CBOR value a broadcast puts in etcd, the
// broadcast queue's log and the delivered journal. Run with `make benchmarks`
// (`HEADNET_BENCHMARKS=1 swift package --allow-writing-to-package-directory benchmark`);
// `headnet bench` measures the whole path on a devnet.
//
// The queue and journal benchmarks fdatasync for real, in a fresh directory under the
// temporary directory (TMPDIR, else /tmp; removed afterwards): point TMPDIR at the disk the
// node's persistence lives on to measure that disk.
//
// On Linux, "Time (total CPU)" comes from scheduler ticks (10 ms): per-iteration values read
// 0 or 10 000 μs and only their average means something; wall clock is exact.
//
// Benchmark names are stable: baselines and comparisons match on them.
import Benchmark
import CBOR
import Foundation
import HeadNetwork
import NodeService

/// A 1 KiB payload, as the node's HTTP API takes it.
let payload = [UInt8](repeating: 0x78, count: 1024)
/// The payload's encoding (a CBOR byte string): what the broadcast queue holds.
let encodedPayload = PayloadCodec().encode(payload)
let sender = NetworkHost(hostname: "127.0.0.1", port: 5001)

/// A fresh directory for one benchmark's files.
func temporaryDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("headnet-benchmark-\(UUID().uuidString)")
}

/// What a queue or journal benchmark keeps between its setup, iterations and teardown.
final class Fixture<Store>: @unchecked Sendable {
    var directory = temporaryDirectory()
    var store: Store?
    /// The journal's last revision: each append uses a higher one (repeats are dropped).
    var revision: Int64 = 0

    func open(_ make: (URL) throws -> Store) throws { store = try make(directory) }

    func remove() {
        store = nil
        try? FileManager.default.removeItem(at: directory)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        maxDuration: .seconds(2),
        maxIterations: 10_000)

    // MARK: CBOR — the value of one `msg-` put, as the sender builds it and watchers read it.

    // Protocol 2 (Hydra master): a full batch, 50 messages in an indefinite array.
    // Protocol 1 (Hydra 2.3.0): one message per put.
    for (version, count) in [(UInt64(2), BroadcastBatch.maxMessages), (1, 1)] {
        let dialect = WireDialect(protocolVersion: version)
        let value = dialect.messageValue(Array(repeating: encodedPayload, count: count))
        Benchmark("CBOR encode, protocol \(version), \(count) x 1 KiB") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(dialect.messageValue((0..<count).map { _ in PayloadCodec().encode(payload) }))
            }
        }
        Benchmark("CBOR decode, protocol \(version), \(count) x 1 KiB") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try dialect.decodeMessages(value, codec: PayloadCodec()))
            }
        }
    }

    // MARK: Broadcast queue — PersistentQueue's append-only log with group commit.
    //
    // Writes return once durable (the popper only starts afterwards, as a sender waiting on
    // etcd would pop later than the fdatasync), then the sender's loop pops them:
    // peekBatch(maxCount: 50, maxBytes: 256 KiB) and pop(batch:).

    /// Pops `count` items the way the broadcast sender does.
    @Sendable func popAll(_ count: Int, from queue: PersistentQueue) async throws {
        var popped = 0
        while popped < count {
            let batch = try await queue.peekBatch(maxCount: BroadcastBatch.maxMessages, maxBytes: BroadcastBatch.maxBytes)
            popped += try await queue.pop(batch: batch)
        }
    }

    // One writer: each write waits for its own fdatasync. One item per iteration.
    let oneWriter = Fixture<PersistentQueue>()
    Benchmark(
        "Queue write + pop, 1 writer, 1 KiB",
        configuration: .init(
            setup: { try oneWriter.open { try PersistentQueue(directory: $0, capacity: 100) } },
            teardown: { oneWriter.remove() })
    ) { _ in
        let queue = oneWriter.store!
        try await queue.write(encodedPayload)
        try await popAll(1, from: queue)
    }

    // 64 writers writing 1000 items between them (15 or 16 each, one after another): their
    // writes share fdatasyncs. Times are per item (scaling factor 1000).
    let items = 1000
    let manyWriters = Fixture<PersistentQueue>()
    Benchmark(
        "Queue write + pop, 64 writers, 1 KiB",
        configuration: .init(
            scalingFactor: .kilo,
            setup: { try manyWriters.open { try PersistentQueue(directory: $0, capacity: items) } },
            teardown: { manyWriters.remove() })
    ) { _ in
        let queue = manyWriters.store!
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<64 {
                group.addTask {
                    for _ in stride(from: writer, to: items, by: 64) { try await queue.write(encodedPayload) }
                }
            }
            try await group.waitForAll()
        }
        try await popAll(items, from: queue)
    }

    // MARK: Delivered journal — one write per watch response; the fdatasync behind it is one per
    // checkpoint in the node (every 0.5 s at most), measured here with the append it covers.

    func incoming(_ fixture: Fixture<DeliveredJournal>, count: Int) -> [DeliveredJournal.Incoming] {
        fixture.revision += 1
        return (0..<count).map { DeliveredJournal.Incoming(sender: sender, revision: fixture.revision, batchIndex: $0, payload: payload) }
    }

    for count in [1, BroadcastBatch.maxMessages] {
        for synced in [false, true] {
            let fixture = Fixture<DeliveredJournal>()
            Benchmark(
                "Journal append\(synced ? " + fdatasync" : ""), \(count) x 1 KiB",
                configuration: .init(
                    setup: { try fixture.open { try DeliveredJournal(directory: $0) } },
                    teardown: { fixture.remove() })
            ) { benchmark in
                let batch = incoming(fixture, count: count)
                benchmark.startMeasurement()
                let entries = try await fixture.store!.append(batch)
                if synced { try await fixture.store!.sync() }
                benchmark.stopMeasurement()
                precondition(entries.count == count, "the journal dropped messages as repeats")
            }
        }
    }

    // Reading 1000 journaled 1 KiB messages back as GET /messages streams them: lines(after:)
    // in chunks of at most 256 KiB (its default). Times are per entry (scaling factor 1000).
    let journaled = Fixture<DeliveredJournal>()
    Benchmark(
        "Journal read, 1000 x 1 KiB, 256 KiB chunks",
        configuration: .init(
            scalingFactor: .kilo,
            setup: {
                try journaled.open { try DeliveredJournal(directory: $0) }
                for _ in 0..<(items / BroadcastBatch.maxMessages) {
                    try await journaled.store!.append(incoming(journaled, count: BroadcastBatch.maxMessages))
                }
            },
            teardown: { journaled.remove() })
    ) { _ in
        let journal = journaled.store!
        var position = 0
        var read = 0
        while true {
            let lines = try await journal.lines(after: position, maxBytes: 256 << 10)
            guard !lines.indices.isEmpty else { break }
            read += lines.indices.count
            blackHole(lines)
            position = lines.indices.upperBound - 1
        }
        precondition(read == items, "read \(read) journal entries, expected \(items)")
    }
}
