import EtcdClient

/// One node's etcd member as a maintenance command (snapshot, defrag) sees it before it acts:
/// whether it answered its Status call, whether it leads, and its database size. The planners
/// decide from these; the caller makes the calls.
public struct MemberReading: Sendable, Hashable {
    /// The node's name in the spec.
    public var node: String
    /// Why the member did not answer; nil when it did.
    public var error: String?
    /// Whether the member says it leads.
    public var leads: Bool
    /// Whether the member knows a leader (its own or another).
    public var hasLeader: Bool
    /// The member's store revision.
    public var revision: Int64
    /// Its backend database size in bytes.
    public var dbSize: Int64
    /// Bytes of the database in use (the rest is freed by defragmentation).
    public var dbSizeInUse: Int64

    /// A member that answered with these figures.
    public init(node: String, leads: Bool, hasLeader: Bool = true, revision: Int64 = 0, dbSize: Int64 = 0, dbSizeInUse: Int64 = 0) {
        self.node = node
        self.error = nil
        self.leads = leads
        self.hasLeader = hasLeader || leads
        self.revision = revision
        self.dbSize = dbSize
        self.dbSizeInUse = dbSizeInUse
    }

    /// A member that did not answer, and why.
    public init(node: String, error: String) {
        self.node = node
        self.error = error
        self.leads = false
        self.hasLeader = false
        self.revision = 0
        self.dbSize = 0
        self.dbSizeInUse = 0
    }

    /// A member that answered with `status`.
    public init(node: String, status: EtcdStatus) {
        self.init(
            node: node, leads: status.isLeader, hasLeader: status.leader != 0, revision: status.header.revision, dbSize: status.dbSize,
            dbSizeInUse: status.dbSizeInUse)
    }

    /// Whether the member answered.
    public var answered: Bool { error == nil }
}
