import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Crash-safe file writes: write a temporary file, fsync it, rename it over the target, fsync
/// the directory. A crash leaves either the old or the new content, never a torn file. The
/// blocking work runs on NIO's thread pool, not on the concurrency pool.
enum DurableFile {
    /// Atomically replaces `url` with `bytes`.
    static func write(_ bytes: [UInt8], to url: URL) async throws {
        try await NIOThreadPool.singleton.runIfActive { try writeBlocking(bytes, to: url) }
    }

    /// ``write(_:to:)`` on the calling thread.
    static func writeBlocking(_ bytes: [UInt8], to url: URL) throws {
        let temporary = url.appendingPathExtension("tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw posixError("cannot create \(temporary.path)") }
        do {
            try writeAll(bytes, to: fd, "cannot write \(temporary.path)")
        } catch {
            close(fd)
            throw error
        }
        guard fsync(fd) == 0 else {
            let error = posixError("cannot fsync \(temporary.path)")
            close(fd)
            throw error
        }
        close(fd)
        guard rename(temporary.path, url.path) == 0 else { throw posixError("cannot rename \(temporary.path) to \(url.path)") }
        try syncDirectory(url.deletingLastPathComponent())
    }

    /// Writes all of `bytes` to `fd` (again after EINTR and short writes); `what` names the
    /// write in the error.
    static func writeAll(_ bytes: [UInt8], to fd: Int32, _ what: @autoclosure () -> String) throws {
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                throw posixError(what())
            }
            written += result
        }
    }

    /// fsyncs a directory so a rename or unlink in it is durable.
    static func syncDirectory(_ directory: URL) throws {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw posixError("cannot open directory \(directory.path)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw posixError("cannot fsync directory \(directory.path)") }
    }

    /// Reads a whole file; nil when it does not exist.
    static func read(_ url: URL) throws -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw HeadNetworkError(.persistence, "cannot read \(url.path)", cause: error)
        }
    }

    /// A persistence error for the failed call `what`, with errno's text and what to check.
    static func posixError(_ what: String) -> HeadNetworkError {
        let code = errno
        return HeadNetworkError(.persistence, "\(what): \(String(cString: strerror(code))); check the persistence directory's permissions and free space")
    }
}
