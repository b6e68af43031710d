/// `headnet member list`: one row per etcd member, then a row for each spec node that is not a
/// member.
public struct MemberList: Sendable, Hashable, Codable {
    /// One member (or spec node).
    public struct Row: Sendable, Hashable, Codable {
        /// The spec node's name; else etcd's name for the member, or its peer URL.
        public var name: String
        /// The member ID (hex); nil for a spec node that is not a member.
        public var memberID: String?
        /// The member's peer URL.
        public var peerURL: String?
        /// Whether the member is a learner.
        public var learner: Bool
        /// Whether the member leads.
        public var leader: Bool
        /// Whether the node's `headnet node` process runs.
        public var running: Bool
        /// What is odd about the row: a member the spec does not list, a node that is no member.
        public var note: String?
    }

    /// The cluster's name.
    public var cluster: String
    /// The rows: etcd's members in spec order, members unknown to the spec, nodes that are no member.
    public var members: [Row]

    /// The list for `observation` of cluster `cluster`.
    public init(_ observation: MemberObservation, cluster: String) {
        self.cluster = cluster
        let known = observation.nodes.compactMap { observation.member(of: $0.name) }
        let strangers = observation.members.filter { $0.node == nil }
        members = (known + strangers).map { member in
            Row(
                name: observation.displayName(member), memberID: member.hexID, peerURL: member.peerURLs.first, learner: member.isLearner,
                leader: member.id == observation.leaderID, running: member.node.flatMap(observation.node)?.running ?? false,
                note: member.node == nil ? "not in the spec" : member.name.isEmpty ? "not started yet" : nil)
        }
        members += observation.nodes.filter { observation.member(of: $0.name) == nil }.map { node in
            Row(name: node.name, learner: false, leader: false, running: node.running,
                note: observation.members.isEmpty ? "no etcd member answers" : "not an etcd member")
        }
    }

    /// The rows as a text table.
    public var table: [[String]] {
        [["NAME", "ID", "PEER URL", "LEARNER", "LEADER", "RUNNING", "NOTE"]]
            + members.map { row in
                [row.name, row.memberID ?? "-", row.peerURL ?? "-", row.learner ? "yes" : "no", row.leader ? "yes" : "no",
                 row.running ? "yes" : "no", row.note ?? ""]
            }
    }
}
