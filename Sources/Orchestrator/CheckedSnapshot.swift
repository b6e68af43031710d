/// A snapshot file that passed its checks before a restore: its sha256 digest
/// (``SnapshotFile``) and `etcdctl snapshot status` (bbolt's consistency check, the revision).
public struct CheckedSnapshot: Sendable, Hashable {
    /// The file, absolute.
    public var path: String
    /// Its sha256 check.
    public var integrity: SnapshotFile.Integrity
    /// What `etcdctl snapshot status` says of it.
    public var status: Etcdctl.SnapshotStatus

    /// A checked snapshot.
    public init(path: String, integrity: SnapshotFile.Integrity, status: Etcdctl.SnapshotStatus) {
        self.path = path
        self.integrity = integrity
        self.status = status
    }
}
