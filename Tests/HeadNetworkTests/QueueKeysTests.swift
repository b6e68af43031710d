import Foundation
import Testing

@testable import HeadNetwork

/// Offers with an idempotency key: a key accepted once queues nothing again, across reopening
/// the queue and after its item was sent and its log segment deleted; a refused key is new.
@Suite struct QueueKeysTests {
    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("headnet-queue-keys-\(UUID().uuidString)")
    }

    func key(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func aKeyedItemRecordRoundTripsAndATornOneIsFound() {
        let record = QueueLogRecord.item(index: 9, bytes: [4, 5], key: key("k-1"))
        guard case .record(let decoded, let length)? = QueueLogRecord.decode(record.encoded(), at: 0) else {
            Issue.record("the keyed record does not decode")
            return
        }
        #expect(decoded == record && length == record.encoded().count)
        #expect(QueueLogRecord.item(index: 9, bytes: [4, 5]).encoded().first == 1, "an item without a key is written as before")
        for cut in 1..<record.encoded().count { #expect(QueueLogRecord.decode(Array(record.encoded().prefix(cut)), at: 0) == .torn) }
        var state = QueueLogState([record, .item(index: 10, bytes: [6]), .popped(through: 9)])
        #expect(state.items.map(\.index) == [10])
        #expect(state.keys == [KeyArchive.Entry(key: key("k-1"), index: 9)], "a sent item's key is still found")
        state.apply(.item(index: 11, bytes: [7], key: key("k-2")))
        #expect(state.items.last?.key == key("k-2"))
    }

    @Test func aRetryWithAnAcceptedKeyQueuesNothingAndARefusedKeyIsNew() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = try PersistentQueue(directory: dir, capacity: 2)
        guard case .queued(let first) = try await queue.offer([1], key: key("a")) else {
            Issue.record("the first offer was not queued")
            return
        }
        #expect(first.key == key("a"))
        guard case .replayed(let index) = try await queue.offer([1], key: key("a")) else {
            Issue.record("the retry was not replayed")
            return
        }
        #expect(index == first.index)
        #expect(try await queue.offer([2]).isQueued)
        // Full: refused, and the key is not remembered.
        #expect(try await queue.offer([3], key: key("b")).isFull)
        #expect(await queue.acceptedIndex(forKey: key("b")) == nil)
        #expect(try await queue.pop(try await queue.peek()))
        guard case .queued(let third) = try await queue.offer([3], key: key("b")) else {
            Issue.record("the retry of a refused offer was not queued")
            return
        }
        #expect(await queue.head(5).map(\.bytes) == [[2], [3]])
        #expect(await queue.acceptedIndex(forKey: key("b")) == third.index)
        // The key of a sent item is still known, even with the queue full.
        guard case .replayed(let again) = try await queue.offer([9], key: key("a")) else {
            Issue.record("the key of a sent item was forgotten")
            return
        }
        #expect(again == first.index)
        #expect(await queue.count == 2)
    }

    /// Two offers of one key at once: one item; both are answered after it is durable.
    @Test func concurrentOffersOfOneKeyQueueOneItem() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = try PersistentQueue(directory: dir, capacity: 100)
        let answers = try await withThrowingTaskGroup(of: QueueAdmission.self) { group in
            for _ in 0..<8 { group.addTask { try await queue.offer([7], key: Array("same".utf8)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.filter(\.isQueued).count == 1)
        #expect(answers.filter { if case .replayed = $0 { true } else { false } }.count == 7)
        #expect(await queue.count == 1)
    }

    @Test func keysSurviveReopeningAndTheirItemsLeavingTheLog() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let large = [UInt8](repeating: 7, count: QueueLog.segmentLimit / 2 + 1)
        do {
            let queue = try PersistentQueue(directory: dir, capacity: 10)
            for name in ["x", "y", "z"] { #expect(try await queue.offer(large, key: key(name)).isQueued) }
            try await queue.pop(batch: await queue.head(2))
            // The segment that held x and y is gone: their keys are in the archive.
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("log-") } == ["log-2"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("idempotency-keys").path) == ["keys-1"])
        }
        let reopened = try PersistentQueue(directory: dir, capacity: 10)
        for (name, index) in [("x", 1), ("y", 2), ("z", 3)] {
            guard case .replayed(let found) = try await reopened.offer([1], key: key(name)) else {
                Issue.record("\(name) was queued again after reopening")
                continue
            }
            #expect(found == UInt64(index))
        }
        #expect(await reopened.head(5).map(\.index) == [3])
    }

    /// The archive keeps the last `keyWindow` keys in at most two files; reopened, the window is
    /// the same.
    @Test func theArchiveKeepsTheWindowInTwoFiles() async throws {
        let dir = temporaryDirectory()
        let archive = dir.appendingPathComponent("keys")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let queue = try PersistentQueue(directory: dir.appendingPathComponent("queue"), capacity: 2, keyArchive: archive, keyWindow: 3)
            for number in 1...10 {
                #expect(try await queue.offer([UInt8(number)], key: key("k\(number)")).isQueued)
                #expect(try await queue.pop(try await queue.peek()))
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: archive.path).sorted() == ["keys-3", "keys-4"])
        }
        let reopened = try PersistentQueue(directory: dir.appendingPathComponent("queue"), capacity: 2, keyArchive: archive, keyWindow: 3)
        #expect(await reopened.idempotency.entries.map(\.key) == ["k8", "k9", "k10"].map(key))
        #expect(try await reopened.offer([1], key: key("k7")).isQueued, "k7 left the window")
    }

    @Test func aTornArchiveTailIsCutAndDamageBeforeItIsAnError() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let entries = (1...3).map { KeyArchive.Entry(key: key("key-\($0)"), index: UInt64($0)) }
        let bytes = entries.flatMap { $0.encoded() }
        try Data(bytes + entries[0].encoded().prefix(5)).write(to: dir.appendingPathComponent("keys-2"))
        let (_, found) = try KeyArchive.open(directory: dir, keysPerFile: 10)
        #expect(found == entries)
        #expect(try Data(contentsOf: dir.appendingPathComponent("keys-2")).count == bytes.count, "the torn tail is cut")
        // The same damage in the older of two files is not a crash's torn tail.
        try Data(bytes + [0x04]).write(to: dir.appendingPathComponent("keys-1"))
        #expect {
            try KeyArchive.open(directory: dir, keysPerFile: 10)
        } throws: { error in
            let error = error as? HeadNetworkError
            return error?.code == .corruptFile && error?.message.contains(dir.appendingPathComponent("keys-1").path) == true
        }
    }
}

extension QueueAdmission {
    var isQueued: Bool { if case .queued = self { true } else { false } }
}
