import ClusterSpec

/// A ``ClusterRunner`` that can also change the cluster's etcd membership and its spec file:
/// what ``MemberStep``s need. ``LocalClusterRunner`` is one.
public protocol MembershipRunner: ClusterRunner {
    /// etcd's member list and leader, and each spec node's process, etcd health and data.
    func observeMembers() async -> MemberObservation
    /// Adds `node`'s peer URL to etcd's members (a learner when `learner`); returns the new
    /// member's ID.
    func addMember(_ node: NodeSpec, learner: Bool) async throws -> UInt64
    /// Removes `node`'s member from etcd; returns its ID, nil when it is not a member.
    func removeMember(_ node: NodeSpec) async throws -> UInt64?
    /// Asks etcd to promote `node`'s learner; false when etcd answers that the learner is not
    /// in sync with the leader yet (ask again later).
    func promoteMember(_ node: NodeSpec) async throws -> Bool
    /// The raft index `node`'s etcd has applied, and the leader's raft index, as they say now.
    func raftProgress(of node: NodeSpec) async throws -> (applied: UInt64, leader: UInt64)
    /// Replaces the spec file's contents with `text` (atomically); returns the file's path.
    func writeSpec(_ text: String) async throws -> String
    /// Broadcasts `node` accepted and has not written to etcd yet: its `/status` queue depth
    /// while it runs, else the items in its `pending-broadcast` directory.
    func queuedBroadcasts(of node: NodeSpec) async -> Int
    /// Whether the cluster's CA key is kept, so certificates can be issued for a new node.
    var keepsCAKey: Bool { get }
    /// Issues `node`'s certificates from the cluster's kept CA (for `spec`, which lists it);
    /// returns where they are.
    func issueNodeCertificates(_ node: NodeSpec, in spec: ClusterSpec) async throws -> String
    /// Deletes `node`'s etcd data; returns the directory removed, nil when there was none.
    func removeEtcdData(_ node: NodeSpec) async throws -> String?
}
