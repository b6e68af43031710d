import Foundation
import HeadnetCore

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a node's persistence directory (`<dir>/node.lock`, `flock`), held for as
/// long as the node runs: a second node started on the same directory — same spec and name, or
/// the same `--persistence-dir` — is refused instead of stopping the first one's etcd and
/// sharing its queue and journal. The kernel releases the lock when the process dies, kill -9
/// included, so a crash never leaves it behind.
public final class PersistenceLock: Sendable {
    /// The lock file.
    public let file: URL
    private let descriptor: Int32

    /// Takes the lock on `directory` (created if needed).
    ///
    /// - Throws: ``HeadNetworkError`` `persistence` naming the pid holding it, or when the file
    ///   cannot be opened.
    public init(directory: URL) throws {
        file = directory.appendingPathComponent(NodeStateFiles.lock)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw HeadNetworkError(.persistence, "cannot create \(directory.path)", cause: error)
        }
        let descriptor = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw HeadNetworkError(.persistence, "cannot open \(file.path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw HeadNetworkError(
                .persistence,
                "another node runs with \(directory.path)\(holder.map { $0.isEmpty ? "" : " (pid \($0))" } ?? ""); "
                    + "stop it first (`headnet down`, or SIGTERM to that pid)")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}
