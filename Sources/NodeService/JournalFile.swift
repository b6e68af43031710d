import Dispatch
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The journal's open file: positional reads and writes (`pread`/`pwrite`), so readers and the
/// writer never share a file position. The descriptor is closed when the last holder lets go
/// (the journal, an append in flight or a read in flight), so a read racing ``DeliveredJournal/close()``
/// never touches a descriptor number that was reused.
final class JournalFile: Sendable {
    /// The file's path, for messages.
    let path: String
    private let descriptor: CInt

    /// Opens (or creates) `path` for reading and writing.
    init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "open") }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The file's size in bytes.
    func size() throws -> UInt64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw IOError(errnoCode: errno, reason: "fstat") }
        return UInt64(info.st_size)
    }

    /// Up to `count` bytes at `offset` (fewer at the end of the file).
    func read(at offset: UInt64, count: Int) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        var done = 0
        while done < count {
            let got = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count - done) { target in
                try Self.retrying("pread") { pread(descriptor, target.baseAddress, count - done, off_t(offset) + off_t(done)) }
            }
            if got == 0 { break }
            done += got
        }
        return buffer
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: [UInt8], at offset: UInt64) throws {
        try bytes.withUnsafeBytes { source in
            var done = 0
            while done < source.count {
                done += try Self.retrying("pwrite") {
                    pwrite(descriptor, source.baseAddress! + done, source.count - done, off_t(offset) + off_t(done))
                }
            }
        }
    }

    /// Makes the written data durable (`fdatasync`: the size is flushed with it).
    func sync() throws {
        _ = try Self.retrying("fdatasync") { Int(fdatasync(descriptor)) }
    }

    /// Cuts the file at `size`.
    func truncate(to size: UInt64) throws {
        _ = try Self.retrying("ftruncate") { Int(ftruncate(descriptor, off_t(size))) }
    }

    private static func retrying(_ call: String, _ body: () -> Int) throws -> Int {
        while true {
            let result = body()
            if result >= 0 { return result }
            if errno != EINTR { throw IOError(errnoCode: errno, reason: call) }
        }
    }
}
