import EtcdTesting
import Foundation
import Synchronization
import Testing

@testable import HeadNetwork

/// The last known revision written behind the application's sync, never ahead of it.
@Suite struct RevisionCheckpointTests {
    struct Failure: Error {}

    /// A temporary directory, removed by the caller.
    func directory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func theBarrierRunsBeforeTheRevisionReachesTheFile() async throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = RevisionStore(directory: dir)
        try await store.save(7)
        // What the file said each time the application was asked to sync.
        let seenAtBarrier = Mutex<[Int64]>([])
        let checkpoint = RevisionCheckpoint(store: store) {
            let stored = try RevisionStore(directory: dir).load()
            seenAtBarrier.withLock { $0.append(stored) }
        }
        try checkpoint.note(12)
        #expect(try checkpoint.current() == 12)
        #expect(try store.load() == 7, "a noted revision stays in memory until a checkpoint")
        try await checkpoint.flush()
        #expect(seenAtBarrier.withLock { $0 } == [7])
        #expect(try RevisionStore(directory: dir).load() == 12)
        // Nothing new: no sync, no write.
        try await checkpoint.flush()
        #expect(seenAtBarrier.withLock { $0 } == [7])
        try checkpoint.note(15)
        try await checkpoint.flush()
        #expect(seenAtBarrier.withLock { $0 } == [7, 12])
        #expect(try RevisionStore(directory: dir).load() == 15)
    }

    @Test func theFirstCheckpointCreatesTheFile() async throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = RevisionStore(directory: dir)
        let checkpoint = RevisionCheckpoint(store: store) {}
        #expect(try checkpoint.current() == 0)
        try checkpoint.note(3)
        try await checkpoint.flush()
        #expect(try RevisionStore(directory: dir).load() == 3)
        #expect(try String(contentsOf: store.file, encoding: .utf8).utf8.count == 20)
    }

    @Test func aFailedSyncLeavesTheFileAndStopsLaterDeliveries() async throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = RevisionStore(directory: dir)
        try await store.save(5)
        let checkpoint = RevisionCheckpoint(store: store) { throw Failure() }
        try checkpoint.note(9)
        await #expect(throws: HeadNetworkError.self) { try await checkpoint.flush() }
        #expect(try RevisionStore(directory: dir).load() == 5)
        #expect(throws: HeadNetworkError.self) { try checkpoint.note(10) }
        do {
            try checkpoint.note(11)
        } catch let error as HeadNetworkError {
            #expect(error.code == .persistence)
            #expect(error.cause is Failure)
        }
    }

    @Test(.timeLimit(.minutes(1))) func runWritesNotedRevisionsUntilCancelled() async throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = RevisionStore(directory: dir)
        let barriers = Atomic<Int>(0)
        let checkpoint = RevisionCheckpoint(store: store, delay: .zero) { barriers.add(1, ordering: .relaxed) }
        let running = Task { try await checkpoint.run() }
        try checkpoint.note(21)
        try await eventually("the noted revision is written") { (try? RevisionStore(directory: dir).load()) == 21 }
        try checkpoint.note(22)
        try await eventually("the next one too") { (try? RevisionStore(directory: dir).load()) == 22 }
        #expect(barriers.load(ordering: .relaxed) == 2)
        running.cancel()
        _ = await running.result
    }
}
