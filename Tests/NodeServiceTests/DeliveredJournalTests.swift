import Foundation
import HeadNetwork
import Testing

@testable import NodeService

@Suite struct DeliveredJournalTests {
    let alice = NetworkHost(hostname: "127.0.0.1", port: 5001)

    func directory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("headnet-journal-\(UUID().uuidString)")
    }

    @Test func dropsRepeatsByRevisionAndBatchPosition() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try DeliveredJournal(directory: dir)
        #expect(try await journal.append(sender: alice, revision: 5, batchIndex: 0, payload: [1]))
        #expect(try await journal.append(sender: alice, revision: 5, batchIndex: 1, payload: [2]))
        #expect(try await journal.append(sender: alice, revision: 5, batchIndex: 1, payload: [2]) == false)
        #expect(try await journal.append(sender: alice, revision: 4, batchIndex: 7, payload: [0]) == false)
        #expect(try await journal.append(sender: alice, revision: 6, batchIndex: 0, payload: [3]))
        #expect(await journal.count == 3)
        #expect(await journal.entries(after: 1).map(\.payloadBytes) == [[2], [3]])
        #expect(await journal.entries(after: 3).isEmpty)
    }

    @Test func reloadsAndCutsATornLastLine() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let journal = try DeliveredJournal(directory: dir)
            try await journal.append(sender: alice, revision: 1, batchIndex: 0, payload: [1])
            try await journal.append(sender: alice, revision: 2, batchIndex: 0, payload: [2])
            await journal.close()
        }
        let file = dir.appendingPathComponent("delivered.ndjson")
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"batchIndex":0,"ind"#.utf8))
        try handle.close()

        let reopened = try DeliveredJournal(directory: dir)
        #expect(await reopened.count == 2)
        #expect(try await reopened.append(sender: alice, revision: 2, batchIndex: 0, payload: [2]) == false)
        #expect(try await reopened.append(sender: alice, revision: 3, batchIndex: 0, payload: [3]))
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.last?.contains(#""index":3"#) == true)
    }

    @Test func corruptMiddleLineIsAnErrorNamingTheFile() throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("delivered.ndjson")
        try "garbage\n{}\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try DeliveredJournal(directory: dir)
            Issue.record("expected an error")
        } catch let error as NodeServiceError {
            #expect(error.code == .corruptJournal)
            #expect(error.message.contains(file.path))
        }
    }
}
