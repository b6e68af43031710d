/// What one etcd member said about itself (Maintenance Status), or that it did not answer.
public struct MemberStatus: Sendable, Hashable {
    /// The member's name (its advertised `host:port`) or endpoint.
    public var name: String
    /// Whether it answered.
    public var reachable: Bool
    /// The leader it knows (0: none).
    public var leader: UInt64
    /// Its raft term.
    public var raftTerm: UInt64
    /// Its raft index.
    public var raftIndex: UInt64
    /// Its alarms (`NOSPACE`, `CORRUPT`).
    public var alarms: [String]
    /// Its database size in bytes.
    public var dbSize: Int64
    /// Bytes of the database in use (the rest is free pages a defragmentation returns).
    public var dbSizeInUse: Int64

    /// A member that answered.
    public init(name: String, leader: UInt64, raftTerm: UInt64, raftIndex: UInt64, alarms: [String] = [], dbSize: Int64 = 0, dbSizeInUse: Int64 = 0) {
        self.name = name
        self.reachable = true
        self.leader = leader
        self.raftTerm = raftTerm
        self.raftIndex = raftIndex
        self.alarms = alarms
        self.dbSize = dbSize
        self.dbSizeInUse = dbSizeInUse
    }

    /// A member that did not answer.
    public static func unreachable(_ name: String) -> MemberStatus {
        var status = MemberStatus(name: name, leader: 0, raftTerm: 0, raftIndex: 0)
        status.reachable = false
        return status
    }
}
