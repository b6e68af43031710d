import EtcdClient

/// What a node's etcd member says of itself (Maintenance Status), as member changes need it.
public struct EtcdMemberState: Sendable, Hashable {
    /// Its member ID.
    public var memberID: UInt64
    /// The member it takes for the leader (0: none known).
    public var leaderID: UInt64
    /// Whether it is a learner (does not vote).
    public var isLearner: Bool
    /// Whether it reports no errors.
    public var errorFree: Bool
    /// Its raft index.
    public var raftIndex: UInt64
    /// The raft index it has applied.
    public var raftAppliedIndex: UInt64

    /// Creates a reading.
    public init(memberID: UInt64, leaderID: UInt64, isLearner: Bool = false, errorFree: Bool = true, raftIndex: UInt64 = 0, raftAppliedIndex: UInt64 = 0) {
        self.memberID = memberID
        self.leaderID = leaderID
        self.isLearner = isLearner
        self.errorFree = errorFree
        self.raftIndex = raftIndex
        self.raftAppliedIndex = raftAppliedIndex
    }

    /// The reading of etcd's `status`.
    public init(_ status: EtcdStatus) {
        self.init(
            memberID: status.header.memberID, leaderID: status.leader, isLearner: status.isLearner, errorFree: status.errors.isEmpty,
            raftIndex: status.raftIndex, raftAppliedIndex: status.raftAppliedIndex)
    }

    /// Whether it is healthy: no errors, and it knows a leader.
    public var healthy: Bool { errorFree && leaderID != 0 }
}
