import ClusterSpec

/// Changes to the cluster's etcd membership, leadership and members' databases
/// (``EtcdMembership``).
public protocol Membership: Sendable {
    /// etcd's member list as the first of `nodes` that answers sees it (ask voting members: a
    /// learner refuses the call), each member matched to its spec node.
    func members(asking nodes: [NodeSpec]) async throws -> [MemberObservation.Member]
    /// Adds `node`'s peer URL to etcd's members (a learner when `learner`); returns the new
    /// member's ID.
    func addMember(_ node: NodeSpec, learner: Bool) async throws -> UInt64
    /// Removes `node`'s member from etcd; returns its ID, nil when it is not a member.
    func removeMember(_ node: NodeSpec) async throws -> UInt64?
    /// Asks etcd to promote `node`'s learner; false when etcd answers that the learner is not
    /// in sync with the leader yet (ask again later).
    func promoteMember(_ node: NodeSpec) async throws -> Bool
    /// Hands etcd leadership from `leader`'s member to `target`'s; returns once `target` leads.
    func moveLeader(from leader: NodeSpec, to target: NodeSpec) async throws
    /// Defragments `node`'s member, reading its Status right before and after.
    func defragment(_ node: NodeSpec) async throws -> MemberDefragmentation
    /// Streams a snapshot of `node`'s member into `path`.
    func snapshot(of node: NodeSpec, to path: String) async throws
    /// The number of keys in `node`'s member at `revision` (serializable; 0: the newest).
    func keyCount(of node: NodeSpec, at revision: Int64) async throws -> Int64
}
