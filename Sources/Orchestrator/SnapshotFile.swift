import Crypto
import Foundation

/// An etcd v3 snapshot file and its integrity check.
///
/// etcd's Snapshot RPC streams the backend database and then one more message holding the
/// sha256 of everything before it, so a saved snapshot is the database followed by 32 bytes of
/// digest. `etcdctl snapshot restore` recognizes the digest by the file's size (a bbolt database
/// is a whole number of 512-byte blocks, so `size % 512 == 32`), truncates it and compares it
/// with the sha256 of the rest (etcd 3.4 `clientv3/snapshot/v3_snapshot.go`, `saveDB`). This
/// type does the same check on its own, so `snapshot save` can say the file it wrote is whole.
public struct SnapshotFile: Sendable, Hashable {
    /// What the check found.
    public struct Integrity: Sendable, Hashable {
        /// The file's size in bytes, digest included.
        public var size: Int64
        /// The sha256 the file ends with, hex.
        public var expected: String
        /// The sha256 of the database bytes before it, hex.
        public var actual: String

        /// Whether the two agree.
        public var ok: Bool { expected == actual }
    }

    /// Length of the digest at the end.
    public static let digestLength = 32

    /// The file's path.
    public let path: String

    /// The snapshot at `path`.
    public init(path: String) {
        self.path = path
    }

    /// Whether a file of `size` bytes ends with a digest, by etcdctl's rule.
    public static func hasDigest(size: Int64) -> Bool {
        size > Int64(digestLength) && size % 512 == Int64(digestLength)
    }

    /// Reads the file and compares its trailing digest with the sha256 of the rest.
    ///
    /// - Throws: ``OrchestratorError`` `snapshot` when the file cannot be read or has no digest
    ///   (a database file copied from a data directory, or a truncated download).
    public func check() throws(OrchestratorError) -> Integrity {
        let handle: FileHandle
        let size: Int64
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw OrchestratorError(.snapshot, "cannot read the snapshot \(path)", cause: error)
        }
        defer { try? handle.close() }
        guard Self.hasDigest(size: size) else {
            throw OrchestratorError(
                .snapshot, "\(path) (\(size) bytes) does not end with etcd's sha256 digest: it is not a snapshot that etcd streamed "
                    + "(`headnet snapshot save` or `etcdctl snapshot save` write one), or it was cut short")
        }
        do {
            var hasher = SHA256()
            var remaining = size - Int64(Self.digestLength)
            while remaining > 0 {
                let chunk = try handle.read(upToCount: Int(min(remaining, 1 << 20))) ?? Data()
                guard !chunk.isEmpty else { break }
                hasher.update(data: chunk)
                remaining -= Int64(chunk.count)
            }
            let trailer = try handle.readToEnd() ?? Data()
            guard remaining == 0, trailer.count == Self.digestLength else {
                throw OrchestratorError(.snapshot, "\(path) changed while it was read; check it again")
            }
            return Integrity(size: size, expected: Self.hex(trailer), actual: Self.hex(Data(hasher.finalize())))
        } catch let error as OrchestratorError {
            throw error
        } catch {
            throw OrchestratorError(.snapshot, "cannot read the snapshot \(path)", cause: error)
        }
    }

    private static func hex(_ bytes: Data) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
