import Foundation
import NodeAPIModel

/// Where the journal's lines are in its file: the byte offset of each line's start (8 bytes an
/// entry) and the end of the last line, plus the last entry (for repeat checks and `/status`).
/// Payloads stay on disk.
struct JournalIndex {
    /// The offset of line `n` (0-based) is `starts[n]`; line `n` is entry `n + 1`.
    private(set) var starts: [UInt64] = []
    /// The end of the last line: where the next append goes.
    private(set) var end: UInt64 = 0
    /// The last entry.
    private(set) var last: DeliveredJournal.Entry?

    /// Number of lines.
    var count: Int { starts.count }

    /// Byte range of the lines of entries `first...last` (1-based).
    func bytes(of entries: ClosedRange<Int>) -> Range<UInt64> {
        starts[entries.lowerBound - 1]..<(entries.upperBound < starts.count ? starts[entries.upperBound] : end)
    }

    /// The entries after `index`, up to `limit`, whose lines take at most `maxBytes` (but at
    /// least one entry); nil when there are none.
    func entries(after index: Int, through limit: Int, maxBytes: Int) -> ClosedRange<Int>? {
        let first = max(index, 0) + 1
        let limit = min(limit, starts.count)
        guard first <= limit else { return nil }
        let budget = starts[first - 1] + UInt64(max(maxBytes, 0))
        // The last entry whose line ends within the budget: binary search over line ends.
        var low = first
        var high = limit
        while low < high {
            let middle = (low + high + 1) / 2
            if bytes(of: middle...middle).upperBound <= budget { low = middle } else { high = middle - 1 }
        }
        return first...low
    }

    /// Records appended lines starting at `offsets`, ending at `end`, the last being `last`.
    mutating func appended(starts offsets: [UInt64], end: UInt64, last: DeliveredJournal.Entry) {
        starts.append(contentsOf: offsets)
        self.end = end
        self.last = last
    }

    /// Reads the index of the journal in `file` by scanning its lines, a chunk at a time. A torn
    /// last line (no newline: a crash mid-append) is cut, or completed when it is a whole entry;
    /// a line that is not an entry, or whose index is not its line number, is corruption.
    static func load(_ file: JournalFile) throws -> JournalIndex {
        var index = JournalIndex()
        var lineStart: UInt64 = 0
        var partial: [UInt8] = []
        var position: UInt64 = 0
        let size = try file.size()
        let decoder = JSONDecoder()
        while position < size {
            let chunk = Array(try file.read(at: position, count: Int(min(size - position, 1 << 20))).readableBytesView)
            guard !chunk.isEmpty else { break }
            try chunk.withUnsafeBufferPointer { bytes in
                var start = 0
                while start < bytes.count, let found = memchr(bytes.baseAddress! + start, 0x0a, bytes.count - start) {
                    let newline = UnsafeRawPointer(bytes.baseAddress!).distance(to: UnsafeRawPointer(found))
                    if partial.isEmpty {
                        try check(UnsafeBufferPointer(rebasing: bytes[start..<newline]), number: index.count + 1, in: file, decoder)
                    } else {
                        partial.append(contentsOf: bytes[start..<newline])
                        try partial.withUnsafeBufferPointer { try check($0, number: index.count + 1, in: file, decoder) }
                        partial.removeAll(keepingCapacity: false)
                    }
                    index.starts.append(lineStart)
                    lineStart = position + UInt64(newline + 1)
                    start = newline + 1
                }
                partial.append(contentsOf: bytes[start...])
            }
            position += UInt64(chunk.count)
        }
        index.end = lineStart
        if !partial.isEmpty {
            let whole = (try? partial.withUnsafeBufferPointer { try check($0, number: index.count + 1, in: file, decoder) }) != nil
            if whole {
                // The entry was written but not its newline.
                let tail = lineStart + UInt64(partial.count)
                try file.write([0x0a], at: tail)
                try file.truncate(to: tail + 1)
                index.starts.append(lineStart)
                index.end = tail + 1
            } else {
                try file.truncate(to: lineStart)
            }
            try file.sync()
        }
        if index.count > 0 {
            let line = try file.read(at: index.starts[index.count - 1], count: Int(index.end - index.starts[index.count - 1]))
            index.last = try decoder.decode(DeliveredJournal.Entry.self, from: Data(line.readableBytesView))
        }
        return index
    }

    /// Throws unless `line` is entry `number`.
    private static func check(_ line: UnsafeBufferPointer<UInt8>, number: Int, in file: JournalFile, _ decoder: JSONDecoder) throws {
        let index: Int
        if let fields = JournalLine.scan(line) {
            index = fields.index
        } else {
            do {
                index = try decoder.decode(DeliveredJournal.Entry.self, from: Data(buffer: line)).index
            } catch {
                throw NodeServiceError(
                    .corruptJournal, "line \(number) of \(file.path) is not a journal entry; move the file away to start a new journal",
                    cause: error)
            }
        }
        guard index == number else {
            throw NodeServiceError(
                .corruptJournal, "line \(number) of \(file.path) is entry \(index), not \(number); move the file away to start a new journal")
        }
    }
}
