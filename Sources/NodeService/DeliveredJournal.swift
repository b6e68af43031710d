import Foundation
import HeadNetwork

/// The node's journal of delivered messages, `<persistence>/delivered.ndjson`, one JSON object
/// per line. A message already journaled — same or earlier (revision, position in batch) — is
/// dropped, so a node killed and restarted never shows a message twice.
public actor DeliveredJournal {
    /// One journaled message.
    public struct Entry: Codable, Sendable, Hashable {
        /// 1-based position in the journal.
        public var index: Int
        /// etcd revision of the put that carried the message.
        public var revision: Int64
        /// Position inside that put's batch.
        public var batchIndex: Int
        /// The sender's advertised `host:port`.
        public var sender: String
        /// The payload, base64.
        public var payload: String

        /// The payload bytes.
        public var payloadBytes: [UInt8] { Data(base64Encoded: payload).map { [UInt8]($0) } ?? [] }
    }

    /// The journal file.
    public nonisolated let file: URL
    private var entries: [Entry] = []
    private var handle: FileHandle?
    private var followers: [UUID: AsyncStream<Void>.Continuation] = [:]
    private var followersStopped = false

    /// Opens (or creates) the journal in `directory` and loads it.
    public init(directory: URL) throws {
        file = directory.appendingPathComponent("delivered.ndjson")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: file.path) {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        }
        let data = try Data(contentsOf: file)
        var loaded: [Entry] = []
        let decoder = JSONDecoder()
        for (number, line) in data.split(separator: 0x0a).enumerated() {
            do {
                loaded.append(try decoder.decode(Entry.self, from: Data(line)))
            } catch {
                // A crash can leave a torn last line; anything else is corruption.
                if number == data.split(separator: 0x0a).count - 1 && data.last != 0x0a { break }
                throw HeadNetworkError(.corruptFile, "line \(number + 1) of \(file.path) is not a journal entry; move the file away to start a new journal", cause: error)
            }
        }
        entries = loaded
        let writer = try FileHandle(forWritingTo: file)
        // Cut a torn tail so the next append starts on a fresh line.
        var clean = Data()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for entry in loaded { clean += try encoder.encode(entry) + Data([0x0a]) }
        if clean.count != data.count {
            try writer.truncate(atOffset: 0)
            try writer.write(contentsOf: clean)
        }
        try writer.seekToEnd()
        handle = writer
    }

    /// Number of entries.
    public var count: Int { entries.count }

    /// The last entry, if any.
    public var last: Entry? { entries.last }

    /// Appends a delivered message unless it is a repeat; returns whether it was appended.
    @discardableResult
    public func append(sender: NetworkHost, revision: Int64, batchIndex: Int, payload: [UInt8]) throws -> Bool {
        if let last = entries.last, (last.revision, last.batchIndex) >= (revision, batchIndex) { return false }
        let entry = Entry(index: entries.count + 1, revision: revision, batchIndex: batchIndex, sender: sender.description,
                          payload: Data(payload).base64EncodedString())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let handle else {
            throw HeadNetworkError(.persistence, "the journal \(file.path) is closed", operation: "journal")
        }
        do {
            try handle.write(contentsOf: try encoder.encode(entry) + Data([0x0a]))
            try handle.synchronize()
        } catch {
            throw HeadNetworkError(.persistence, "cannot append to \(file.path): \(error)", cause: error)
        }
        entries.append(entry)
        for follower in followers.values { follower.yield() }
        return true
    }

    /// Entries with an index above `index`.
    public func entries(after index: Int) -> [Entry] {
        guard index < entries.count else { return [] }
        return Array(entries[max(index, 0)...])
    }

    /// A stream that ticks whenever an entry is appended (for `follow=true`); it ends when
    /// ``stopFollowers()`` is called.
    public func changes() -> AsyncStream<Void> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        if followersStopped {
            continuation.finish()
            return stream
        }
        followers[id] = continuation
        continuation.onTermination = { _ in Task { await self.removeFollower(id) } }
        return stream
    }

    private func removeFollower(_ id: UUID) {
        followers.removeValue(forKey: id)
    }

    /// Ends every follower stream (and refuses new ones) so streaming readers finish and the
    /// HTTP server can shut down; appends go on.
    public func stopFollowers() {
        followersStopped = true
        for follower in followers.values { follower.finish() }
        followers.removeAll()
    }

    /// Ends the followers and closes the file; later appends fail.
    public func close() {
        stopFollowers()
        try? handle?.close()
        handle = nil
    }
}
