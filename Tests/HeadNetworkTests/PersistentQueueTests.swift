import CBOR
import Dispatch
import EtcdClient
import EtcdTesting
import Foundation
import HeadnetCore
import Synchronization
import Testing

@testable import HeadNetwork

@Suite struct PersistentQueueTests {
    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("headnet-queue-\(UUID().uuidString)")
    }

    @Test func writeSuspendsAtCapacityUntilAPop() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = try PersistentQueue(directory: dir, capacity: 2)
        try await queue.write([1])
        try await queue.write([2])
        let third = Task { try await queue.write([3]) }
        // The third write cannot complete while the queue is full.
        let blocked = await Task { () -> Bool in
            for _ in 0..<20 { await Task.yield() }
            return await queue.count == 2
        }.value
        #expect(blocked)
        let head = try await queue.peek()
        #expect(head.bytes == [1])
        #expect(try await queue.pop(head))
        let written = try await third.value
        #expect(written.bytes == [3])
        #expect(await queue.count == 2)
    }

    @Test func peekSuspendsWhileEmpty() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = try PersistentQueue(directory: dir, capacity: 4)
        let reader = Task { try await queue.peek() }
        try await queue.write([42])
        #expect(try await reader.value.bytes == [42])
    }

    @Test func cancelledWriterStopsWaiting() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = try PersistentQueue(directory: dir, capacity: 1)
        try await queue.write([1])
        let writer = Task { try await queue.write([2]) }
        writer.cancel()
        await #expect(throws: CancellationError.self) { try await writer.value }
        #expect(await queue.count == 1)
    }

    @Test func reloadKeepsOrderAndNumbering() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let queue = try PersistentQueue(directory: dir, capacity: 100)
            for i in 1...12 { try await queue.write([UInt8(i)]) }
            #expect(try await queue.pop(try await queue.peek()))
        }
        let reopened = try PersistentQueue(directory: dir, capacity: 100)
        #expect(await reopened.count == 11)
        let batch = try await reopened.peekBatch(maxCount: 50, maxBytes: 1000)
        #expect(batch.map(\.bytes) == (2...12).map { [UInt8($0)] })
        #expect(batch.map(\.index) == Array(2...12))
        let next = try await reopened.write([99])
        #expect(next.index == 13)
    }

    @Test func capacityGrowsToTheFilesFound() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let queue = try PersistentQueue(directory: dir, capacity: 5)
            for i in 1...5 { try await queue.write([UInt8(i)]) }
        }
        let reopened = try PersistentQueue(directory: dir, capacity: 2)
        #expect(reopened.capacity == 5)
        #expect(await reopened.count == 5)
    }

    @Test func popOfANonHeadItemIsANoOp() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = try PersistentQueue(directory: dir, capacity: 10)
        try await queue.write([1])
        let second = try await queue.write([2])
        #expect(try await queue.pop(second) == false)
        #expect(await queue.count == 2)
        #expect(try await queue.peek().bytes == [1])
        #expect(try PersistentQueue.storedCount(in: dir) == 2)
    }

    /// An item file of a version before the log (`<dir>/2`) is moved into the log and checked.
    @Test func corruptItemFileIsAnErrorNamingIt() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let queue = try PersistentQueue(directory: dir, capacity: 10)
            try await queue.write(PayloadCodec().encode([1, 2, 3]))
        }
        try Data([0x5b, 0xff]).write(to: dir.appendingPathComponent("2"))
        let codec = PayloadCodec()
        do {
            _ = try PersistentQueue(directory: dir) { bytes in
                var decoder = CBORDecoder(bytes)
                _ = try codec.decode(from: &decoder)
            }
            Issue.record("loading a corrupt item must fail")
        } catch let error as HeadNetworkError {
            #expect(error.code == .corruptFile)
            #expect(error.message.contains("#2 in \(dir.path)"))
            #expect(error.message.contains("Move the directory away"))
        }
    }

    @Test func batchesRespectCountAndBytesAndAlwaysTakeTheHead() {
        #expect(BroadcastBatch.count(sizes: []) == 0)
        #expect(BroadcastBatch.count(sizes: [300_000, 10]) == 1)
        #expect(BroadcastBatch.count(sizes: Array(repeating: 10, count: 70)) == 50)
        #expect(BroadcastBatch.count(sizes: [100_000, 100_000, 100_000]) == 2)
        #expect(BroadcastBatch.count(sizes: [131_072, 131_072]) == 2)
        #expect(BroadcastBatch.count(sizes: [131_072, 131_073]) == 1)
    }

    @Test func aWaitingEnqueueReportsTheDepthAndAFullQueue() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = try PersistentQueue(directory: dir, capacity: 2)
        let full = Mutex(0)
        let waiting = PersistentQueue.FullBehavior.wait(onFull: { full.withLock { $0 += 1 } })
        _ = try await queue.enqueue([1], whenFull: waiting)
        #expect(queue.load.depth == 1)
        _ = try await queue.enqueue([2], whenFull: waiting)
        #expect(queue.load.depth == 2)
        #expect(full.withLock { $0 } == 0)
        let third = Task { try await queue.enqueue([3], whenFull: waiting) }
        // The full queue is reported before the write waits for room.
        try await eventually("the full queue reported") { full.withLock { $0 } == 1 }
        #expect(try await queue.pop(try await queue.peek()))
        guard case .queued(let item) = try await third.value else { Issue.record("a waiting enqueue was refused"); return }
        #expect(item.bytes == [3])
        #expect(queue.load.depth == 2)
    }

    /// Issue 22: a full queue refuses at once and keeps nothing, so what it holds keeps the
    /// order it arrived in; it reports its load (depth, capacity, the oldest item's wait) and
    /// says it is full once per episode of refusals.
    @Test func anOfferToAFullQueueIsRefusedAtOnceAndKeepsNothing() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = try PersistentQueue(directory: dir, capacity: 2)
        let reported = Mutex(0)
        let refusing = PersistentQueue.FullBehavior.refuse(onFirstRefusal: { reported.withLock { $0 += 1 } })
        #expect(queue.load == QueueLoad(depth: 0, capacity: 2, oldestQueuedAt: nil))
        let before = ContinuousClock.now
        #expect(try await !queue.enqueue([1], whenFull: refusing).isFull)
        #expect(queue.load.depth == 1)
        #expect(try await !queue.enqueue([2], whenFull: refusing).isFull)
        #expect(queue.load.depth == 2)
        for byte in UInt8(3)...5 {
            guard case .full(let load) = try await queue.enqueue([byte], whenFull: refusing) else {
                Issue.record("offer \(byte) to a full queue was queued")
                return
            }
            #expect(load.depth == 2 && load.capacity == 2 && load.isFull)
            #expect(try #require(load.oldestQueuedAt) >= before)
        }
        #expect(reported.withLock { $0 } == 1, "one report per episode of refusals")
        #expect(await queue.head(10).map(\.bytes) == [[1], [2]])
        // Room again: the next offer is queued after what was there, and a later full queue is
        // reported again.
        #expect(try await queue.pop(try await queue.peek()))
        #expect(queue.load.depth == 1)
        #expect(try await !queue.offer([6]).isFull)
        #expect(queue.load.depth == 2)
        #expect(try await queue.enqueue([7], whenFull: refusing).isFull)
        #expect(reported.withLock { $0 } == 2)
        #expect(await queue.head(10).map(\.bytes) == [[2], [6]])
        let reopened = try PersistentQueue(directory: dir, capacity: 2)
        #expect(await reopened.head(10).map(\.bytes) == [[2], [6]], "nothing refused was written")
    }

    @Test func aFailedSyncFailsItsWritersAndEverythingAfter() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        struct DiskGone: Error {}
        let queue = try PersistentQueue(
            directory: dir, capacity: 4, legacyMarker: nil, validate: { _ in }, performSync: { _ in throw DiskGone() })
        let failure = await #expect(throws: HeadNetworkError.self) { try await queue.write([1]) }
        #expect(failure?.code == .persistence)
        #expect(failure?.cause is DiskGone)
        // No later write is accepted, and the sender stops instead of sending.
        await #expect(throws: HeadNetworkError.self) { try await queue.write([2]) }
        await #expect(throws: HeadNetworkError.self) { try await queue.peek() }
        #expect(await queue.count == 1)
    }

    @Test func aWriterQueuedWhileTheFailingSyncRanFailsToo() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        struct DiskGone: Error {}
        let gate = DispatchSemaphore(value: 0)
        defer { gate.signal() }  // never leave the sync thread blocked, also when the test fails
        let queue = try PersistentQueue(
            directory: dir, capacity: 4, legacyMarker: nil, validate: { _ in }, performSync: { _ in gate.wait(); throw DiskGone() })
        // Whether each writer's write threw a HeadNetworkError, as they end.
        let outcomes = LockedValue<[UInt8: Bool]>([:])
        let write: @Sendable (UInt8) -> Void = { byte in
            Task {
                let result = await Task { try await queue.write([byte]) }.result
                let failed = if case .failure(let error) = result { error is HeadNetworkError } else { false }
                outcomes.withLock { $0[byte] = failed }
            }
        }
        write(1)
        try await eventually("the first item queued, its fdatasync running") { await queue.count == 1 }
        // Queued while that fdatasync runs (and fails): no sync follows it.
        write(2)
        try await eventually("the second item queued") { await queue.count == 2 }
        gate.signal()
        try await eventually("both writers answered", timeout: .seconds(10)) { outcomes.value.count == 2 }
        #expect(outcomes.value == [1: true, 2: true])
    }
}

extension QueueAdmission {
    var isFull: Bool { if case .full = self { true } else { false } }
}
