import EtcdClient
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The last-known revision of the `msg` watch, in `<persistence>/last-known-revision` as a bare
/// JSON number. Saved after delivery: a crash repeats messages, it never loses them.
///
/// The file is created atomically once; after that each save rewrites its fixed-width content
/// in place (the number padded with spaces to 20 bytes, within one disk sector) with one
/// fdatasync, on a thread of its own.
public final class RevisionStore: Sendable {
    /// The file holding the revision.
    public let file: URL
    private let descriptor = LockedValue<Int32?>(nil)
    private let syncQueue = DispatchQueue(label: "headnet.last-known-revision")
    private static let width = 20

    /// A store in `directory` (the node's persistence directory).
    public init(directory: URL) {
        file = directory.appendingPathComponent("last-known-revision")
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

    /// Durably stores `revision`.
    public func save(_ revision: Int64) async throws {
        let text = String(revision)
        let bytes = Array((text + String(repeating: " ", count: max(Self.width - text.count, 0))).utf8)
        try await BlockingWork.run(on: syncQueue) { try self.saveBlocking(bytes) }
    }

    private func saveBlocking(_ bytes: [UInt8]) throws {
        if let fd = descriptor.withLock({ $0 }) {
            let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            guard written == bytes.count, fdatasync(fd) == 0 else { throw DurableFile.posixError("cannot write \(file.path)") }
            return
        }
        // First save of this run: replace whatever is there atomically, then keep it open.
        try DurableFile.writeBlocking(bytes, to: file)
        let fd = open(file.path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DurableFile.posixError("cannot open \(file.path)") }
        descriptor.withLock { $0 = fd }
    }
}
