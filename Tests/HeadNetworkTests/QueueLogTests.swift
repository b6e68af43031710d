import Foundation
import Testing

@testable import HeadNetwork

/// The broadcast queue's log: records, replay, torn tails, segments, the in-flight marker.
@Suite struct QueueLogTests {
    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("headnet-queue-log-\(UUID().uuidString)")
    }

    @Test func recordsRoundTripAndATornOneIsFound() {
        let records: [QueueLogRecord] = [
            .item(index: 7, bytes: [1, 2, 3]), .item(index: 8, bytes: []), .popped(through: 7),
            .inFlight(InFlightBatch(lastModRev: -1, indices: [8, 9])), .inFlightCleared,
        ]
        let bytes = records.flatMap { $0.encoded() }
        var decoded: [QueueLogRecord] = []
        var offset = 0
        while case .record(let record, let length)? = QueueLogRecord.decode(bytes, at: offset) {
            decoded.append(record)
            offset += length
        }
        #expect(decoded == records)
        #expect(offset == bytes.count)
        // Cut anywhere inside the last record, or one bit flipped: torn, never a wrong record.
        let last = records[0].encoded()
        for cut in 1..<last.count { #expect(QueueLogRecord.decode(Array(last.prefix(cut)), at: 0) == .torn) }
        var flipped = last
        flipped[6] ^= 0x10
        #expect(QueueLogRecord.decode(flipped, at: 0) == .torn)
        // CRC-32 check value of the IEEE polynomial.
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func replayDropsPoppedItemsAndTracksTheBatchInFlight() {
        var state = QueueLogState([.item(index: 1, bytes: [1]), .item(index: 2, bytes: [2]), .item(index: 3, bytes: [3])])
        state.apply(.inFlight(InFlightBatch(lastModRev: 5, indices: [1, 2])))
        #expect(state.inFlight?.indices == [1, 2])
        state.apply(.popped(through: 2))
        #expect(state.items.map(\.index) == [3])
        #expect(state.inFlight == nil)
        state.apply(.inFlight(InFlightBatch(lastModRev: 6, indices: [3])))
        state.apply(.inFlightCleared)
        #expect(state.inFlight == nil)
        #expect(state.highestIndex == 3)
        // An item at or below what was popped (replayed from an older segment) stays gone.
        state.apply(.item(index: 2, bytes: [2]))
        #expect(state.items.map(\.index) == [3])
    }

    @Test func aTornTailIsCutAndTheQueueGoesOn() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let queue = try PersistentQueue(directory: dir)
            for i in 1...3 { try await queue.write([UInt8(i)]) }
        }
        // A crash in the middle of the fourth record's write.
        let segment = dir.appendingPathComponent("log-1")
        let handle = try FileHandle(forWritingTo: segment)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(QueueLogRecord.item(index: 4, bytes: [4, 4, 4]).encoded().prefix(9)))
        try handle.close()
        let reopened = try PersistentQueue(directory: dir)
        #expect(try await reopened.head(10).map(\.bytes) == [[1], [2], [3]])
        #expect(try await reopened.write([5]).index == 4)
        let again = try PersistentQueue(directory: dir)
        #expect(try await again.head(10).map(\.bytes) == [[1], [2], [3], [5]])
    }

    @Test func damageBeforeTheLastSegmentIsAnErrorNamingTheFile() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(QueueLogRecord.item(index: 1, bytes: [1]).encoded().dropLast()).write(to: dir.appendingPathComponent("log-1"))
        try Data(QueueLogRecord.item(index: 2, bytes: [2]).encoded()).write(to: dir.appendingPathComponent("log-2"))
        #expect {
            _ = try PersistentQueue(directory: dir)
        } throws: { error in
            let error = error as? HeadNetworkError
            return error?.code == .corruptFile && error?.message.contains(dir.appendingPathComponent("log-1").path) == true
        }
    }

    @Test func segmentsRollOverAndAreDeletedOnceSent() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = try PersistentQueue(directory: dir, capacity: 10)
        let large = [UInt8](repeating: 7, count: QueueLog.segmentLimit / 2 + 1)
        for _ in 1...3 { try await queue.write(large) }
        let segments = { try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("log-") }.sorted() }
        #expect(try segments() == ["log-1", "log-2"])
        try await queue.pop(batch: await queue.head(2))
        #expect(try segments() == ["log-2"])
        #expect(try PersistentQueue.storedCount(in: dir) == 1)
        let reopened = try PersistentQueue(directory: dir)
        #expect(await reopened.head(5).map(\.index) == [3])
        #expect(try await reopened.write([1]).index == 4)
    }

    @Test func theBatchInFlightSurvivesARestartUntilPopped() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let queue = try PersistentQueue(directory: dir)
            for i in 1...3 { try await queue.write([UInt8(i)]) }
            try await queue.markInFlight(InFlightBatch(lastModRev: 12, indices: [1, 2]))
        }
        let reopened = try PersistentQueue(directory: dir)
        #expect(await reopened.inFlight == InFlightBatch(lastModRev: 12, indices: [1, 2]))
        try await reopened.pop(batch: await reopened.head(2))
        #expect(await reopened.inFlight == nil)
        let again = try PersistentQueue(directory: dir)
        #expect(await again.inFlight == nil)
        #expect(await again.head(5).map(\.index) == [3])
    }

    @Test func itemFilesAndTheMarkerFileOfEarlierVersionsMoveIntoTheLog() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let queueDir = dir.appendingPathComponent("pending-broadcast")
        try FileManager.default.createDirectory(at: queueDir, withIntermediateDirectories: true)
        for i in 3...4 { try Data([UInt8(i)]).write(to: queueDir.appendingPathComponent(String(i))) }
        let markerFile = dir.appendingPathComponent("broadcast-in-flight")
        try await InFlightMarker(file: markerFile).save(InFlightBatch(lastModRev: 9, indices: [3]))
        #expect(try PersistentQueue.storedCount(in: queueDir) == 2)

        let queue = try PersistentQueue(directory: queueDir, legacyMarker: markerFile)
        #expect(await queue.head(5).map(\.bytes) == [[3], [4]])
        #expect(await queue.inFlight == InFlightBatch(lastModRev: 9, indices: [3]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: queueDir.path) == ["log-1"])
        #expect(!FileManager.default.fileExists(atPath: markerFile.path))
        #expect(try await queue.write([5]).index == 5)
    }

    @Test func concurrentWritersKeepTheirOrderAndAllSurvive() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = try PersistentQueue(directory: dir, capacity: 500)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<200 { group.addTask { try await queue.write([UInt8(i % 256)]) } }
            try await group.waitForAll()
        }
        #expect(await queue.count == 200)
        let reopened = try PersistentQueue(directory: dir, capacity: 500)
        #expect(await reopened.head(500).map(\.index) == Array(1...200))
        #expect(await reopened.head(500) == queue.head(500))
    }
}
