import Foundation
import HeadnetCore
import HeadNetwork
import NIOCore
import Testing

@testable import NodeService

/// The journal's lines on disk: what `JSONDecoder` (``TailCommand``, API clients) reads, old
/// `JSONEncoder` journals, and raw reads by index.
@Suite struct DeliveredJournalFormatTests {
    let alice = Address(hostname: "127.0.0.1", port: 5001)

    func directory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("headnet-journal-\(UUID().uuidString)")
    }

    func message(_ sender: Address, _ revision: Int64, _ batchIndex: Int, _ payload: [UInt8]) -> DeliveredJournal.Incoming {
        DeliveredJournal.Incoming(sender: sender, revision: revision, batchIndex: batchIndex, payload: payload)
    }

    /// Payloads of every length mod 3, with `+` and `/` in their base64.
    let payloads: [[UInt8]] = [[], [0], [0xff], [0xfb, 0xef], [0xff, 0xff, 0xff], [1, 2, 3, 4], Array(0...255), Array(repeating: 0xfe, count: 1000)]

    func decodeLines(_ bytes: ByteBuffer) throws -> [DeliveredJournal.Entry] {
        try bytes.readableBytesView.split(separator: 0x0a).map { try JSONDecoder().decode(DeliveredJournal.Entry.self, from: Data($0)) }
    }

    @Test func linesAreWhatJSONEncoderWritesWithoutEscapedSlashes() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try DeliveredJournal(directory: dir)
        let entries = try await journal.append(payloads.enumerated().map { message(alice, 9_000_000_000, $0.offset, $0.element) })
        #expect(entries.map(\.payloadBytes) == payloads)
        #expect(entries.map(\.payload) == payloads.map { Data($0).base64EncodedString() })
        #expect(entries.map(\.payloadByteCount) == payloads.map(\.count))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = try entries.map { try encoder.encode($0) + Data([0x0a]) }.reduce(Data(), +)
        #expect(try Data(contentsOf: journal.file) == expected)
    }

    @Test func rawLinesDecodeToTheAppendedEntries() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try DeliveredJournal(directory: dir)
        let odd = Address(hostname: "a\"b\\c\td\u{1}é", port: 9)
        var appended: [DeliveredJournal.Entry] = []
        for (number, payload) in payloads.enumerated() {
            appended += try await journal.append([message(number.isMultiple(of: 2) ? odd : alice, Int64(number + 1), 0, payload)])
        }
        #expect(appended.contains { $0.sender == odd.description })
        let lines = try await journal.lines(after: 0)
        #expect(lines.indices == 1..<(payloads.count + 1))
        #expect(try decodeLines(lines.bytes) == appended)
        #expect(try decodeLines(await journal.lines(after: 3).bytes) == Array(appended.dropFirst(3)))
        #expect(try await journal.lines(after: payloads.count).indices.isEmpty)
        await journal.close()
        #expect(try await DeliveredJournal(directory: dir).entries(after: 0) == appended)
    }

    @Test func linesComeInBoundedChunksThatAddUpToTheFile() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try DeliveredJournal(directory: dir)
        for revision in Int64(1)...20 {
            try await journal.append([message(alice, revision, 0, Array(repeating: UInt8(revision), count: 1000))])
        }
        var streamed = Data()
        var position = 0
        while true {
            let lines = try await journal.lines(after: position, maxBytes: 3000)
            if lines.indices.isEmpty { break }
            #expect(lines.indices.lowerBound == position + 1)
            #expect(lines.indices.count >= 1 && lines.bytes.readableBytes <= 3000)
            #expect(lines.reachEnd == (lines.indices.upperBound == 21), "only the last chunk reaches the end")
            streamed += Data(lines.bytes.readableBytesView)
            position = lines.indices.upperBound - 1
        }
        #expect(position == 20)
        #expect(try await journal.lines(after: 20).reachEnd)
        #expect(try await journal.lines(after: 17, maxBytes: 1 << 20).reachEnd)
        #expect(streamed == (try Data(contentsOf: journal.file)))
        #expect(try await journal.lines(after: 4, maxBytes: 0).indices == 5..<6)
    }

    @Test func journalsWrittenByJSONEncoderStillLoad() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("delivered.ndjson")
        // The old writer: JSONEncoder, sorted keys, `/` escaped as `\/`.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let old = payloads.enumerated().map { number, payload in
            DeliveredJournal.Entry(
                index: number + 1, revision: Int64(number + 1), batchIndex: 0, sender: "127.0.0.1:5001/x", payload: Data(payload).base64EncodedString())
        }
        var text = try old.map { try encoder.encode($0) + Data([0x0a]) }.reduce(Data(), +)
        #expect(String(decoding: text, as: UTF8.self).contains(#"\/"#))
        // A hand-edited line in another key order, with spaces.
        text += Data(#"{ "index": 9, "sender": "127.0.0.1:5001", "revision": 20, "batchIndex": 0, "payload": "AQ==" }"#.utf8 + [0x0a])
        try text.write(to: file)

        let journal = try DeliveredJournal(directory: dir)
        #expect(await journal.count == 9)
        #expect(await journal.last?.revision == 20)
        let appended = try await journal.append([message(alice, 21, 0, [0xff, 0xff])])
        #expect(appended.map(\.index) == [10])
        let all = try await journal.entries(after: 0)
        #expect(Array(all.prefix(8)) == old)
        #expect(all.map(\.index) == Array(1...10))
        // Raw reads serve the old lines as they are; they decode all the same.
        let lines = try await journal.lines(after: 0)
        #expect(Data(lines.bytes.readableBytesView).prefix(text.count) == text)
        #expect(try decodeLines(lines.bytes) == all)
    }

    @Test func olderEntriesAreReadFromTheFileNotKeptInMemory() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = try DeliveredJournal(directory: dir)
        try await journal.append([message(alice, 1, 0, [1]), message(alice, 1, 1, [1])])
        // (Only the latest append's lines are also kept in memory, for followers.)
        try await journal.append([message(alice, 2, 0, [3])])
        // Same length, another payload: what the journal serves is what the file holds.
        let text = try String(contentsOf: journal.file, encoding: .utf8)
        let edited = text.replacingOccurrences(of: #""payload":"AQ==""#, with: #""payload":"Ag==""#)
        #expect(edited.utf8.count == text.utf8.count)
        try edited.write(to: journal.file, atomically: false, encoding: .utf8)
        #expect(try await journal.entries(after: 0).map(\.payloadBytes) == [[2], [2], [3]])
    }
}
