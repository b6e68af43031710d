import EtcdClient

/// The etcd operations of a drill, on a client of one member: compaction, a node's lease, and
/// etcd's own consistency check (HashKV at one revision, as etcd's tester's `KV_HASH`).
public enum ClusterEtcd {
    /// One member's answer to HashKV.
    public struct MemberHash: Sendable, Hashable, Codable {
        /// The node.
        public var node: String
        /// The hash of its key-value store up to the revision asked; nil when it did not answer.
        public var hash: UInt32?
        /// Why it did not answer.
        public var error: String?

        /// Creates an answer.
        public init(node: String, hash: UInt32? = nil, error: String? = nil) {
            self.node = node
            self.hash = hash
            self.error = error
        }
    }

    /// Compacts etcd up to its current revision (what a node that is away has not read is then
    /// gone: it must report it missed); returns that revision.
    public static func compactToCurrentRevision(_ etcd: EtcdClient) async throws -> Int64 {
        let revision = try await etcd.status(endpoint: 0).header.revision
        _ = try await etcd.compact(revision: revision, physical: true)
        return revision
    }

    /// Revokes the lease of the node's `alive-<advertise>` key (its peers see it go until its
    /// keep-alive grants a new one); returns the lease, nil when the key has none.
    public static func revokeAliveLease(of advertise: String, _ etcd: EtcdClient) async throws -> Int64? {
        let alive = try await etcd.range(EtcdKeyRange(key: Array("alive-\(advertise)".utf8)))
        guard let lease = alive.kvs.first?.lease, lease != 0 else { return nil }
        try await etcd.revokeLease(lease)
        return lease
    }

    /// The member's current revision.
    public static func revision(_ etcd: EtcdClient) async throws -> Int64 {
        try await etcd.status(endpoint: 0).header.revision
    }

    /// The member's HashKV up to `revision`, which must be above the last compaction.
    public static func hash(at revision: Int64, _ etcd: EtcdClient) async throws -> UInt32 {
        try await etcd.hashKV(endpoint: 0, revision: revision).hash
    }

    /// Whether every member that answered gave the same hash, and every member answered; the
    /// problem otherwise, naming the members.
    public static func disagreement(_ hashes: [MemberHash]) -> String? {
        let silent = hashes.filter { $0.hash == nil }
        if !silent.isEmpty {
            return "HashKV got no answer from " + silent.map { "\($0.node) (\($0.error ?? "no answer"))" }.joined(separator: ", ")
        }
        let distinct = Set(hashes.compactMap(\.hash))
        guard distinct.count > 1 else { return nil }
        return "the members' HashKV differ: " + hashes.map { "\($0.node) \(String($0.hash!, radix: 16))" }.joined(separator: ", ")
    }
}
