import Foundation
import HeadNetwork
import NIOPosix

/// The node's journal of delivered messages, `<persistence>/delivered.ndjson`, one JSON object
/// per line. A message already journaled — same or earlier (revision, position in batch) — is
/// dropped, so a node killed and restarted never shows a message twice. Appends are written and
/// fsynced on NIO's thread pool; the network component makes them one at a time, in order.
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
    private var appending = false

    /// Opens (or creates) the journal in `directory` and loads it.
    public init(directory: URL) throws {
        file = directory.appendingPathComponent("delivered.ndjson")
        let data: Data
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: file.path) {
                _ = FileManager.default.createFile(atPath: file.path, contents: nil)
            }
            data = try Data(contentsOf: file)
        } catch {
            throw NodeServiceError(.journal, "cannot open the journal \(file.path); check the directory's permissions", cause: error)
        }
        var loaded: [Entry] = []
        let decoder = JSONDecoder()
        for (number, line) in data.split(separator: 0x0a).enumerated() {
            do {
                loaded.append(try decoder.decode(Entry.self, from: Data(line)))
            } catch {
                // A crash can leave a torn last line; anything else is corruption.
                if number == data.split(separator: 0x0a).count - 1 && data.last != 0x0a { break }
                throw NodeServiceError(.corruptJournal, "line \(number + 1) of \(file.path) is not a journal entry; move the file away to start a new journal", cause: error)
            }
        }
        entries = loaded
        do {
            let writer = try FileHandle(forWritingTo: file)
            // Cut a torn tail so the next append starts on a fresh line.
            var clean = Data()
            for entry in loaded { clean += try Self.line(entry) }
            if clean.count != data.count {
                try writer.truncate(atOffset: 0)
                try writer.write(contentsOf: clean)
            }
            try writer.seekToEnd()
            handle = writer
        } catch {
            throw NodeServiceError(.journal, "cannot write the journal \(file.path)", cause: error)
        }
    }

    private static func line(_ entry: Entry) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(entry) + Data([0x0a])
    }

    /// Number of entries.
    public var count: Int { entries.count }

    /// The last entry, if any.
    public var last: Entry? { entries.last }

    /// Appends a delivered message unless it is a repeat; returns whether it was appended.
    @discardableResult
    public func append(sender: NetworkHost, revision: Int64, batchIndex: Int, payload: [UInt8]) async throws -> Bool {
        if let last = entries.last, (last.revision, last.batchIndex) >= (revision, batchIndex) { return false }
        guard let handle else { throw NodeServiceError(.journal, "the journal \(file.path) is closed") }
        guard !appending else {
            throw NodeServiceError(.journal, "two appends to \(file.path) at once; deliver messages one at a time")
        }
        appending = true
        defer { appending = false }
        let entry = Entry(index: entries.count + 1, revision: revision, batchIndex: batchIndex, sender: sender.description,
                          payload: Data(payload).base64EncodedString())
        do {
            let line = try Self.line(entry)
            try await NIOThreadPool.singleton.runIfActive {
                try handle.write(contentsOf: line)
                try handle.synchronize()
            }
        } catch {
            throw NodeServiceError(.journal, "cannot append to \(file.path); check free space", cause: error)
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
