import Dispatch
import EtcdTesting
import Foundation
import HeadnetCore
import Synchronization
import Testing

@testable import HeadNetwork

/// The broadcast queue's group commit: who runs the fdatasyncs (the sync loop, or a writer on
/// its own task when none runs), how many, and when a write returns.
@Suite struct QueueGroupCommitTests {
    /// fdatasyncs that each wait to be let through (``release(_:)``), counted as they start.
    final class SyncGate: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        private let started = Mutex(0)

        /// How many fdatasyncs started.
        var count: Int { started.withLock { $0 } }

        func perform(_ work: QueueLog.SyncWork) throws {
            started.withLock { $0 += 1 }
            semaphore.wait()
            try work.perform()
        }

        /// Lets `count` fdatasyncs through (also ones that have not started yet).
        func release(_ count: Int = 1) {
            for _ in 0..<count { semaphore.signal() }
        }
    }

    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("headnet-queue-\(UUID().uuidString)")
    }

    func gatedQueue(_ dir: URL, _ gate: SyncGate) throws -> PersistentQueue {
        try PersistentQueue(directory: dir, capacity: 10, legacyMarker: nil, validate: { _ in }, performSync: { try gate.perform($0) })
    }

    /// With the sync loop running (as in the node, while its sender pops), a write whose item
    /// is sent before its fdatasync ends returns at once.
    @Test func withTheSyncLoopAWriteWhoseItemIsSentReturnsBeforeItsSync() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gate = SyncGate()
        defer { gate.release(10) }  // never leave the sync thread blocked, also when the test fails
        let queue = try gatedQueue(dir, gate)
        let returned = LockedValue(false)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await queue.runSyncLoop() }
            try await eventually("the sync loop runs") { await queue.runsSyncLoop }
            group.addTask {
                try await queue.write([1])
                returned.withLock { $0 = true }
            }
            try await eventually("the item's fdatasync started") { gate.count == 1 }
            #expect(try await queue.pop(try await queue.peek()))
            try await eventually("the write returned, its item sent") { returned.withLock { $0 } }
            gate.release()
            group.cancelAll()
        }
        #expect(gate.count == 1)
        #expect(await !queue.runsSyncLoop)
    }

    /// Without the sync loop, the first writer runs the fdatasync on its own task; the writes
    /// made meanwhile wait, and the first of them runs one fdatasync for all of them.
    @Test func withoutTheSyncLoopWritersSyncOnTheirOwnTasksAndShareSyncs() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gate = SyncGate()
        defer { gate.release(10) }
        let queue = try gatedQueue(dir, gate)
        let returned = LockedValue(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await queue.write([1])
                returned.withLock { $0 += 1 }
            }
            try await eventually("the first fdatasync started") { gate.count == 1 }
            for byte in UInt8(2)...4 {
                group.addTask {
                    try await queue.write([byte])
                    returned.withLock { $0 += 1 }
                }
            }
            try await eventually("every item queued") { await queue.count == 4 }
            #expect(returned.withLock { $0 } == 0)
            gate.release()
            try await eventually("the second fdatasync started") { gate.count == 2 }
            try await eventually("the first write returned") { returned.withLock { $0 } == 1 }
            gate.release()
            try await group.waitForAll()
        }
        #expect(returned.withLock { $0 } == 4)
        #expect(gate.count == 2, "one fdatasync for the writes made while the first ran")
        let reopened = try PersistentQueue(directory: dir)
        let items = await reopened.head(10).map(\.bytes)
        // The three later writers run as separate tasks, so they queue in any order.
        #expect(items.first == [1])
        #expect(Set(items.dropFirst()) == [[2], [3], [4]])
        #expect(items.count == 4)
    }

    /// The sync loop shares fdatasyncs the same way: one for the writes made while one ran.
    @Test func theSyncLoopSharesSyncs() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gate = SyncGate()
        defer { gate.release(10) }
        let queue = try gatedQueue(dir, gate)
        try await withThrowingTaskGroup(of: Void.self) { loop in
            loop.addTask { await queue.runSyncLoop() }
            try await eventually("the sync loop runs") { await queue.runsSyncLoop }
            try await withThrowingTaskGroup(of: Void.self) { writers in
                writers.addTask { try await queue.write([1]) }
                try await eventually("the first fdatasync started") { gate.count == 1 }
                for byte in UInt8(2)...4 { writers.addTask { try await queue.write([byte]) } }
                try await eventually("every item queued") { await queue.count == 4 }
                gate.release(2)
                try await writers.waitForAll()
            }
            loop.cancelAll()
        }
        #expect(gate.count == 2)
    }

    /// A writer's fdatasync under way when the sync loop starts hands the writes made meanwhile
    /// to the loop.
    @Test func aWritersSyncHandsTheNextOneToTheSyncLoopStartedMeanwhile() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gate = SyncGate()
        defer { gate.release(10) }
        let queue = try gatedQueue(dir, gate)
        let second = LockedValue(false)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await queue.write([1]) }
            try await eventually("the writer's fdatasync started") { gate.count == 1 }
            group.addTask { await queue.runSyncLoop() }
            try await eventually("the sync loop runs") { await queue.runsSyncLoop }
            group.addTask {
                try await queue.write([2])
                second.withLock { $0 = true }
            }
            try await eventually("the second item queued") { await queue.count == 2 }
            gate.release()
            try await eventually("the loop's fdatasync started") { gate.count == 2 }
            // The second writer waits for the loop's fdatasync, then its item sent: both count.
            #expect(second.withLock { $0 } == false)
            #expect(try await queue.pop(batch: try await queue.head(2)) == 2)
            try await eventually("the second write returned, its item sent") { second.withLock { $0 } }
            gate.release()
            group.cancelAll()
        }
        #expect(gate.count == 2)
    }

    /// Cancelled, the sync loop stops after the fdatasync under way; the first writer still
    /// waiting runs the next one on its own task.
    @Test func aStoppedSyncLoopHandsTheNextSyncToAWaitingWriter() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gate = SyncGate()
        defer { gate.release(10) }
        let queue = try gatedQueue(dir, gate)
        try await withThrowingTaskGroup(of: Void.self) { writers in
            try await withThrowingTaskGroup(of: Void.self) { loop in
                loop.addTask { await queue.runSyncLoop() }
                try await eventually("the sync loop runs") { await queue.runsSyncLoop }
                writers.addTask { try await queue.write([1]) }
                try await eventually("the loop's fdatasync started") { gate.count == 1 }
                writers.addTask { try await queue.write([2]) }
                try await eventually("the second item queued") { await queue.count == 2 }
                loop.cancelAll()
                gate.release()
            }
            #expect(await !queue.runsSyncLoop)
            try await eventually("the waiting writer's own fdatasync started") { gate.count == 2 }
            gate.release()
            try await writers.waitForAll()
        }
        #expect(gate.count == 2)
    }
}
