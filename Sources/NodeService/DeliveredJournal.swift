import Dispatch
import Foundation
import HeadNetwork
import HeadnetCore
import NIOCore
import NodeAPIModel

/// The node's journal of delivered messages, `<persistence>/delivered.ndjson`, one JSON object
/// per line (``Entry``). A message already journaled — same or earlier (revision, position in
/// batch) — is dropped, so a node killed and restarted never shows a message twice.
///
/// The entries live on disk: the journal keeps the byte offset of each line (8 bytes an entry)
/// and the last entry, and reads older entries back from the file (the latest append's lines
/// from memory). Each ``append(_:)`` writes one watch response's messages with one write, which
/// readers see at once; ``sync()`` makes everything written so far durable with one
/// `fdatasync` on the journal's own serial queue (never on Swift's cooperative pool). The node
/// syncs before its last known revision is written (``HeadNetwork/RevisionCheckpoint``), so
/// that revision is never ahead of the journal on disk.
public actor DeliveredJournal {
    /// One journal line (the API's `GET /messages` entry).
    public typealias Entry = JournalEntry

    /// A delivered message to journal.
    public struct Incoming: Sendable {
        /// The sender's advertised address.
        public var sender: Address
        /// etcd revision of the put that carried the message.
        public var revision: Int64
        /// Position inside that put's batch.
        public var batchIndex: Int
        /// The payload.
        public var payload: [UInt8]

        /// Creates a message.
        public init(sender: Address, revision: Int64, batchIndex: Int, payload: [UInt8]) {
            self.sender = sender
            self.revision = revision
            self.batchIndex = batchIndex
            self.payload = payload
        }

        /// The message the network component delivered.
        public init(_ delivered: Delivered<[UInt8]>) {
            self.init(sender: delivered.sender, revision: delivered.revision, batchIndex: delivered.indexInBatch, payload: delivered.message)
        }
    }

    /// Consecutive journal lines as they are on disk.
    public struct Lines: Sendable {
        /// The lines, each ending in a newline: `JSONDecoder` reads each as an ``Entry``.
        public var bytes: ByteBuffer
        /// The indices of their entries (empty when there were none).
        public var indices: Range<Int>
        /// Whether these lines reach the journal's end (as it was when they were read): a
        /// follower then waits for the next append instead of asking again.
        public var reachEnd: Bool
    }

    /// The journal file.
    public nonisolated let file: URL
    private var handle: JournalFile?
    private var index: JournalIndex
    private let writer = DispatchQueue(label: "headnet.journal.writer")
    private static let readers = DispatchQueue(label: "headnet.journal.readers", attributes: .concurrent)
    /// The `follow=true` readers' tick streams (nil once ``stopFollowers()`` ended them), in a
    /// lock so that a reader going away removes itself at once, without a task.
    private nonisolated let followers = LockedValue<[UUID: AsyncStream<Void>.Continuation]?>([:])
    /// The file's end at the start of the latest sync that succeeded.
    private var syncedEnd: UInt64 = 0
    /// The bytes of the latest append and where they start in the file: followers, who read
    /// right after an append, get them from here instead of from the file. Only an append of
    /// at most 64 KiB (about 45 messages of 1 KiB) is kept: the bytes written, no copy.
    private var latest: (start: UInt64, bytes: [UInt8])?
    private static let latestLimit = 64 << 10

    /// Opens (or creates) the journal in `directory` and indexes it: a torn last line is cut.
    ///
    /// - Throws: ``NodeServiceError`` `corruptJournal` when a line before the last is not an
    ///   entry; `journal` when the file cannot be opened or repaired.
    public init(directory: URL) throws {
        file = directory.appendingPathComponent(NodeStateFiles.journal)
        let opened: JournalFile
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            opened = try JournalFile(path: file.path)
        } catch {
            throw NodeServiceError(.journal, "cannot open the journal \(file.path); check the directory's permissions", cause: error)
        }
        do {
            index = try JournalIndex.load(opened)
        } catch let error as NodeServiceError {
            throw error
        } catch {
            throw NodeServiceError(.journal, "cannot read or repair the journal \(file.path)", cause: error)
        }
        handle = opened
    }

    /// Number of entries.
    public var count: Int { index.count }

    /// The last entry, if any.
    public var last: Entry? { index.last }

    /// Appends the messages of one watch response with one write, dropping each message already
    /// journaled (same or earlier revision and batch position than the entry before it).
    /// Readers and followers (``changes()``, one tick) see the entries at once, as the
    /// application sees a delivered message. They are in the page cache: a crash of the process
    /// loses nothing; they are on disk after the next ``sync()``, and a power loss before it
    /// loses entries a reader may have seen (the node delivers and journals them again after
    /// the restart, as its last known revision is written only after a sync).
    ///
    /// - Returns: the entries appended, in order.
    /// - Throws: ``NodeServiceError`` `journal` when the journal is closed or the write fails
    ///   (nothing of the batch is then journaled).
    @discardableResult
    public func append(_ batch: [Incoming]) throws -> [Entry] {
        guard let handle else { throw NodeServiceError(.journal, "the journal \(file.path) is closed") }
        var bound = index.last.map { (revision: $0.revision, batchIndex: $0.batchIndex) }
        let start = index.end
        var bytes: [UInt8] = []
        bytes.reserveCapacity(batch.reduce(0) { $0 + $1.payload.count / 3 * 4 + 96 })
        var starts: [UInt64] = []
        var entries: [Entry] = []
        var sender: (host: Address, text: String, escaped: [UInt8])?
        for message in batch {
            if let bound, (bound.revision, bound.batchIndex) >= (message.revision, message.batchIndex) { continue }
            bound = (message.revision, message.batchIndex)
            if sender?.host != message.sender {
                let text = message.sender.description
                sender = (message.sender, text, JournalLine.escaped(text))
            }
            starts.append(start + UInt64(bytes.count))
            let entryIndex = index.count + entries.count + 1
            let payload = JournalLine.append(
                index: entryIndex, revision: message.revision, batchIndex: message.batchIndex, escapedSender: sender!.escaped,
                payload: message.payload, to: &bytes)
            entries.append(
                Entry(
                    index: entryIndex, revision: message.revision, batchIndex: message.batchIndex, sender: sender!.text,
                    payload: String(decoding: bytes[payload], as: UTF8.self)))
        }
        guard let last = entries.last else { return [] }
        // The lines go to the page cache at once (no disk wait, so no hop off this thread).
        do {
            try handle.write(bytes, at: start)
        } catch {
            // Leave no partial line for the next append to land after.
            try? handle.truncate(to: start)
            throw NodeServiceError(.journal, "cannot append to \(file.path); check free space", cause: error)
        }
        index.appended(starts: starts, end: start + UInt64(bytes.count), last: last)
        latest = bytes.count <= Self.latestLimit ? (start, bytes) : nil
        followers.value?.values.forEach { $0.yield() }
        return entries
    }

    /// Makes every entry appended so far durable: one `fdatasync` on the journal's thread
    /// (none when nothing was appended since the last).
    ///
    /// - Throws: ``NodeServiceError`` `journal` when the journal is closed or the sync fails
    ///   (the node must stop).
    public func sync() async throws {
        guard let handle else { throw NodeServiceError(.journal, "the journal \(file.path) is closed") }
        let end = index.end
        guard end != syncedEnd else { return }
        do {
            try await BlockingWork.run(on: writer) { try handle.sync() }
        } catch {
            throw NodeServiceError(.journal, "cannot sync \(file.path) to disk; check the disk", cause: error)
        }
        syncedEnd = max(syncedEnd, end)
    }

    /// Appends one delivered message unless it is a repeat (see ``append(_:)``); returns whether
    /// it was appended.
    @discardableResult
    public func append(sender: Address, revision: Int64, batchIndex: Int, payload: [UInt8]) throws -> Bool {
        try !append([Incoming(sender: sender, revision: revision, batchIndex: batchIndex, payload: payload)]).isEmpty
    }

    /// The lines of the entries after `index`, read from the file (from memory when they all
    /// belong to the latest append): as many as fit in `maxBytes` (at least one), so a reader
    /// can stream a long journal in bounded memory.
    ///
    /// - Throws: ``NodeServiceError`` `journal` when the journal is closed or cannot be read.
    public func lines(after index: Int, maxBytes: Int = 256 << 10) async throws -> Lines {
        try await lines(after: index, through: .max, maxBytes: maxBytes)
    }

    private func lines(after index: Int, through limit: Int, maxBytes: Int) async throws -> Lines {
        guard let entries = self.index.entries(after: index, through: limit, maxBytes: maxBytes) else {
            let next = max(index, 0) + 1
            return Lines(bytes: ByteBuffer(), indices: next..<next, reachEnd: true)
        }
        guard let handle else { throw NodeServiceError(.journal, "the journal \(file.path) is closed") }
        let range = self.index.bytes(of: entries)
        if let latest, range.lowerBound >= latest.start, range.upperBound <= latest.start + UInt64(latest.bytes.count) {
            let offset = Int(range.lowerBound - latest.start)
            let bytes = ByteBuffer(bytes: latest.bytes[offset..<(offset + Int(range.count))])
            return Lines(bytes: bytes, indices: entries.lowerBound..<(entries.upperBound + 1), reachEnd: entries.upperBound >= self.index.count)
        }
        let bytes: ByteBuffer
        do {
            bytes = try await BlockingWork.run(on: Self.readers) { try handle.read(at: range.lowerBound, count: Int(range.count)) }
        } catch {
            throw NodeServiceError(.journal, "cannot read \(file.path)", cause: error)
        }
        guard bytes.readableBytes == range.count else {
            throw NodeServiceError(.journal, "\(file.path) is shorter than its index; was it changed while the node ran?")
        }
        return Lines(bytes: bytes, indices: entries.lowerBound..<(entries.upperBound + 1), reachEnd: entries.upperBound >= self.index.count)
    }

    /// Entries with an index above `index`, read from the file (those present when called).
    ///
    /// - Throws: ``NodeServiceError`` when the file cannot be read or a line is not an entry.
    public func entries(after index: Int) async throws -> [Entry] {
        let limit = self.index.count
        let decoder = JSONDecoder()
        var entries: [Entry] = []
        var position = index
        while true {
            let lines = try await lines(after: position, through: limit, maxBytes: 1 << 20)
            guard !lines.indices.isEmpty else { return entries }
            for (offset, line) in lines.bytes.readableBytesView.split(separator: 0x0a).enumerated() {
                do {
                    entries.append(try decoder.decode(Entry.self, from: Data(line)))
                } catch {
                    throw NodeServiceError(
                        .corruptJournal, "entry \(lines.indices.lowerBound + offset) of \(file.path) is not readable any more", cause: error)
                }
            }
            position = lines.indices.upperBound - 1
        }
    }

    /// A stream that ticks whenever entries are appended (for `follow=true`); it ends when
    /// ``stopFollowers()`` is called.
    public func changes() -> AsyncStream<Void> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let added = followers.withLock { followers -> Bool in
            guard followers != nil else { return false }
            followers?[id] = continuation
            return true
        }
        guard added else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [followers] _ in followers.withLock { _ = $0?.removeValue(forKey: id) } }
        return stream
    }

    /// Ends every follower stream (and refuses new ones) so streaming readers finish and the
    /// HTTP server can shut down; appends go on.
    public func stopFollowers() {
        let ended = followers.withLock { followers in
            defer { followers = nil }
            return followers ?? [:]
        }
        for follower in ended.values { follower.finish() }
    }

    /// Ends the followers and closes the file (once appends and reads in flight are done);
    /// later appends and reads fail.
    public func close() {
        stopFollowers()
        handle = nil
    }
}
