import Foundation
import HeadnetCore
import HeadNetwork
import Testing

@testable import NodeService

@Suite struct DeliveredJournalTests {
    let alice = Address(hostname: "127.0.0.1", port: 5001)
    let bob = Address(hostname: "127.0.0.1", port: 5002)

    func directory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("headnet-journal-\(UUID().uuidString)")
    }

    func message(_ sender: Address, _ revision: Int64, _ batchIndex: Int, _ payload: [UInt8]) -> DeliveredJournal.Incoming {
        DeliveredJournal.Incoming(sender: sender, revision: revision, batchIndex: batchIndex, payload: payload)
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
        #expect(try await journal.entries(after: 1).map(\.payloadBytes) == [[2], [3]])
        #expect(try await journal.entries(after: 3).isEmpty)
    }

    @Test func aBatchIsJournaledWithConsecutiveIndices() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try DeliveredJournal(directory: dir)
        let first = try await journal.append([message(alice, 3, 0, [1]), message(alice, 3, 1, [2, 2]), message(bob, 4, 0, [])])
        #expect(first.map(\.index) == [1, 2, 3])
        #expect(first.map(\.sender) == ["127.0.0.1:5001", "127.0.0.1:5001", "127.0.0.1:5002"])
        #expect(first.map(\.payloadBytes) == [[1], [2, 2], []])
        #expect(first.map(\.payloadByteCount) == [1, 2, 0])
        let second = try await journal.append([message(bob, 5, 0, [9, 9, 9])])
        #expect(second.map(\.index) == [4])
        #expect(await journal.count == 4)
        #expect(await journal.last == second.last)
        #expect(try await journal.entries(after: 0) == first + second)
    }

    @Test func dropsRepeatsInsideAndAcrossBatches() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try DeliveredJournal(directory: dir)
        let first = try await journal.append([
            message(alice, 5, 0, [1]), message(alice, 5, 1, [2]), message(alice, 5, 1, [2]), message(alice, 4, 9, [0]), message(bob, 6, 0, [3]),
        ])
        #expect(first.map(\.payloadBytes) == [[1], [2], [3]])
        let size = try FileManager.default.attributesOfItem(atPath: journal.file.path)[.size] as? Int
        #expect(try await journal.append([message(alice, 5, 1, [2]), message(bob, 6, 0, [3])]).isEmpty)
        #expect(try await journal.append([]).isEmpty)
        #expect(try FileManager.default.attributesOfItem(atPath: journal.file.path)[.size] as? Int == size)
        let second = try await journal.append([message(bob, 6, 0, [3]), message(bob, 6, 1, [4])])
        #expect(second.map(\.index) == [4])
        #expect(second.map(\.payloadBytes) == [[4]])
        #expect(try await journal.entries(after: 0).map(\.index) == [1, 2, 3, 4])
    }

    @Test func reopeningRebuildsTheIndex() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Payloads whose base64 has `/` and `+`, and a sender that needs escaping.
        let odd = Address(hostname: "we\"ird\\host\t", port: 7)
        let written: [DeliveredJournal.Entry]
        do {
            let journal = try DeliveredJournal(directory: dir)
            var appended: [DeliveredJournal.Entry] = []
            for revision in Int64(1)...20 {
                appended += try await journal.append(
                    (0..<Int(revision % 4)).map { message(revision.isMultiple(of: 3) ? odd : alice, revision, $0, [0xff, 0xfb, UInt8($0)]) })
            }
            written = appended
            await journal.close()
        }
        let reopened = try DeliveredJournal(directory: dir)
        #expect(await reopened.count == written.count)
        #expect(await reopened.last == written.last)
        #expect(try await reopened.entries(after: 0) == written)
        #expect(try await reopened.entries(after: 0).contains { $0.sender == odd.description })
        let next = try await reopened.append([message(alice, 21, 0, [5])])
        #expect(next.map(\.index) == [written.count + 1])
        #expect(try await reopened.entries(after: written.count - 1).map(\.index) == [written.count, written.count + 1])
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

    @Test func aWholeLastEntryWithoutItsNewlineIsKept() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("delivered.ndjson")
        try Data(#"{"batchIndex":0,"index":1,"payload":"AQ==","revision":4,"sender":"127.0.0.1:5001"}"#.utf8).write(to: file)
        let journal = try DeliveredJournal(directory: dir)
        #expect(await journal.count == 1)
        #expect(await journal.last?.revision == 4)
        try await journal.append(sender: alice, revision: 5, batchIndex: 0, payload: [2])
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty)
        #expect(try await journal.entries(after: 0).map(\.payloadBytes) == [[1], [2]])
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

    @Test func corruptLinesAfterGoodOnesAreReportedByNumber() async throws {
        let good = #"{"batchIndex":0,"index":1,"payload":"AQ==","revision":4,"sender":"127.0.0.1:5001"}"#
        let cases = [
            good + "\n" + #"{"batchIndex":0,"index":2,"payl"# + "\n" + good.replacingOccurrences(of: "\"index\":1", with: "\"index\":3") + "\n",
            good + "\n\n",
            good + "\n" + good + "\n",  // entry 1 twice: line 2 is not entry 2
        ]
        for text in cases {
            let dir = directory()
            defer { try? FileManager.default.removeItem(at: dir) }
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try text.write(to: dir.appendingPathComponent("delivered.ndjson"), atomically: true, encoding: .utf8)
            do {
                _ = try DeliveredJournal(directory: dir)
                Issue.record("expected an error for \(text)")
            } catch let error as NodeServiceError {
                #expect(error.code == .corruptJournal)
                #expect(error.message.contains("line 2 of "), "\(error)")
            }
        }
    }

    @Test func entriesAfterAnyIndex() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try DeliveredJournal(directory: dir)
        for revision in Int64(1)...10 { try await journal.append([message(alice, revision, 0, [UInt8(revision)])]) }
        #expect(try await journal.entries(after: 0).map(\.index) == Array(1...10))
        #expect(try await journal.entries(after: -3).map(\.index) == Array(1...10))
        #expect(try await journal.entries(after: 5).map(\.payloadBytes) == (6...10).map { [UInt8($0)] })
        #expect(try await journal.entries(after: 9).map(\.index) == [10])
        #expect(try await journal.entries(after: 10).isEmpty)
        #expect(try await journal.entries(after: 100).isEmpty)
    }

    @Test func linesAreTheFilesBytesWhetherFromTheLatestAppendOrFromTheFile() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try DeliveredJournal(directory: dir)
        for revision in Int64(1)...4 {
            try await journal.append((0..<3).map { message(revision.isMultiple(of: 2) ? alice : bob, revision, $0, Array(repeating: UInt8($0), count: 50)) })
        }
        let file = try Data(contentsOf: journal.file)
        let lineStarts = [0] + file.indices.filter { file[$0] == 0x0a }.map { $0 + 1 }
        let copy = dir.appendingPathComponent("copy")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: journal.file, to: copy.appendingPathComponent(journal.file.lastPathComponent))
        let fromFileOnly = try DeliveredJournal(directory: copy)
        for after in 0...12 {
            let expected = file[lineStarts[after]..<lineStarts[12]]
            // 10...12 lie in the latest append (memory); the others span older appends (file).
            for reader in [journal, fromFileOnly] {
                let lines = try await reader.lines(after: after)
                #expect(Data(lines.bytes.readableBytesView) == expected, "after \(after)")
                #expect(lines.indices == (after + 1)..<13)
            }
        }
    }

    @Test func aLargeAppendIsReadBackFromTheFile() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try DeliveredJournal(directory: dir)
        try await journal.append([message(alice, 1, 0, [1])])
        // ~550 KB in one append: more than is kept in memory.
        try await journal.append((0..<200).map { message(bob, 2, $0, Array(repeating: UInt8($0 % 250), count: 2048)) })
        let file = try Data(contentsOf: journal.file)
        var position = 0
        var offset = 0
        while position < 201 {
            let lines = try await journal.lines(after: position)
            #expect(Data(lines.bytes.readableBytesView) == file[offset..<(offset + lines.bytes.readableBytes)])
            position = lines.indices.upperBound - 1
            offset += lines.bytes.readableBytes
        }
        #expect(offset == file.count)
    }

    @Test func syncRunsWhileAppendsGoOnAndFailsOnceClosed() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try DeliveredJournal(directory: dir)
        try await journal.sync()  // nothing appended yet
        try await withThrowingTaskGroup(of: Void.self) { group in
            for revision in Int64(1)...6 {
                group.addTask { try await journal.append([message(alice, revision, 0, [UInt8(revision)])]) }
                group.addTask { try await journal.sync() }
            }
            try await group.waitForAll()
        }
        try await journal.sync()
        #expect(try await journal.entries(after: 0).count == 6)
        await journal.close()
        await #expect(throws: NodeServiceError.self) { try await journal.sync() }
        #expect(try await DeliveredJournal(directory: dir).count == 6)
    }

    @Test func appendsMadeAtOnceRunOneAfterAnother() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try DeliveredJournal(directory: dir)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for revision in Int64(1)...8 {
                group.addTask { try await journal.append((0..<3).map { message(alice, revision, $0, [UInt8($0)]) }) }
            }
            try await group.waitForAll()
        }
        let entries = try await journal.entries(after: 0)
        #expect(entries.map(\.index) == Array(1...entries.count))
        #expect(entries.count >= 3 && entries.count.isMultiple(of: 3))
        let keys = entries.map { [$0.revision, Int64($0.batchIndex)] }
        #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) })
        await journal.close()
        #expect(try await DeliveredJournal(directory: dir).count == entries.count)
    }

    @Test(.timeLimit(.minutes(1))) func followersTickAfterEachBatchAndEndWhenStopped() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try DeliveredJournal(directory: dir)
        var ticks = await journal.changes().makeAsyncIterator()
        try await journal.append([message(alice, 1, 0, [1]), message(alice, 1, 1, [2])])
        #expect(await ticks.next() != nil)
        #expect(try await journal.lines(after: 0).indices == 1..<3)
        await journal.stopFollowers()
        #expect(await ticks.next() == nil)
        var late = await journal.changes().makeAsyncIterator()
        #expect(await late.next() == nil)
        // Appends go on after the followers stopped; not after close.
        #expect(try await journal.append(sender: alice, revision: 2, batchIndex: 0, payload: [3]))
        await journal.close()
        await #expect(throws: NodeServiceError.self) { try await journal.append(sender: alice, revision: 3, batchIndex: 0, payload: [4]) }
    }
}
