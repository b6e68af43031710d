import EtcdClient
import Foundation
import HeadnetCore
import Processes

#if canImport(Glibc)
import Glibc
#endif

/// The last-known revision of the `msg` watch, in `<persistence>/last-known-revision` as a bare
/// JSON number. Saved after delivery: a crash repeats messages, it never loses them.
///
/// The file is created atomically (and fdatasynced) once; after that each save rewrites its
/// fixed-width content in place (the number padded with spaces to 20 bytes, within one disk
/// sector) with one `pwrite`, and an fdatasync follows within ``syncDelay`` on a thread of its
/// own, one for all saves meanwhile. A save is in the page cache at once, so `kill -9` of the
/// node loses none; after a power loss the file can be up to ``syncDelay`` behind, and the
/// messages after it are delivered again (at-least-once, as after any crash before a save).
/// Next to an fdatasync per save, that is one sync and two thread hops less per watch response.
/// An application that makes its deliveries durable later has the revision written behind its
/// sync instead (``RevisionCheckpoint``, ``saveDurably(_:)``).
public final class RevisionStore: Sendable {
    /// The file holding the revision.
    public let file: URL
    private let descriptor = LockedValue<Int32?>(nil)
    private let syncQueue = DispatchQueue(label: "headnet.last-known-revision")
    private let syncPending = LockedValue(false)
    private static let width = 20
    /// How long an in-place save may stay unsynced.
    public static let syncDelay: Duration = .milliseconds(500)

    /// A store in `directory` (the node's persistence directory).
    public init(directory: URL) {
        file = directory.appendingPathComponent(NodeStateFiles.lastKnownRevision)
    }

    deinit {
        if let fd = descriptor.withLock({ $0 }) { close(fd) }
    }

    /// The stored revision; 0 when the file does not exist.
    ///
    /// - Throws: ``HeadNetworkError`` with code `corruptFile`, naming the file, when it holds
    ///   anything but a non-negative integer.
    public func load() throws -> Int64 {
        guard let bytes = try DurableFile.read(file) else { return 0 }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let revision = Int64(text), revision >= 0 else {
            throw HeadNetworkError(
                .corruptFile,
                "\(file.path) does not hold a revision (found \(text.prefix(40).debugDescription)). Delete \(file.path) to re-sync from the oldest revision etcd still has")
        }
        return revision
    }

    /// Stores `revision`: in the file at once (the page cache), on disk within ``syncDelay``.
    public func save(_ revision: Int64) async throws {
        let bytes = Self.content(revision)
        guard let fd = descriptor.withLock({ $0 }) else {
            // First save of this run: replace whatever is there atomically, then keep it open.
            try await BlockingWork.run(on: syncQueue) { try self.create(bytes) }
            return
        }
        // 20 bytes into the page cache: no disk wait, so no hop off the caller's thread.
        try write(bytes, to: fd)
        scheduleSync(fd)
    }

    /// Stores `revision` on disk: written and fdatasynced (on the store's thread) when this
    /// returns. For ``RevisionCheckpoint``, which writes behind the application's own sync.
    func saveDurably(_ revision: Int64) async throws {
        let bytes = Self.content(revision)
        try await BlockingWork.run(on: syncQueue) {
            guard let fd = self.descriptor.withLock({ $0 }) else { return try self.create(bytes) }
            try self.write(bytes, to: fd)
            guard fdatasync(fd) == 0 else { throw DurableFile.posixError("cannot sync \(self.file.path)") }
        }
    }

    /// The file's content for `revision`: the number padded with spaces to ``width`` bytes.
    private static func content(_ revision: Int64) -> [UInt8] {
        let text = String(revision)
        return Array((text + String(repeating: " ", count: max(width - text.count, 0))).utf8)
    }

    private func write(_ bytes: [UInt8], to fd: Int32) throws {
        let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        guard written == bytes.count else { throw DurableFile.posixError("cannot write \(file.path)") }
    }

    /// One fdatasync of `fd` after ``syncDelay`` unless one is already due. A failed sync is
    /// not reported here: the next message's save writes the file again, and a file behind by
    /// a few revisions only repeats messages.
    private func scheduleSync(_ fd: Int32) {
        guard syncPending.withLock({ pending in defer { pending = true }; return !pending }) else { return }
        syncQueue.asyncAfter(deadline: .now() + Self.syncDelay.inSeconds) {
            self.syncPending.withLock { $0 = false }
            _ = fdatasync(fd)
        }
    }

    private func create(_ bytes: [UInt8]) throws {
        try DurableFile.writeBlocking(bytes, to: file)
        let fd = open(file.path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DurableFile.posixError("cannot open \(file.path)") }
        descriptor.withLock { $0 = fd }
    }
}
