import ClusterSpec
import EtcdClient

/// What a runner saw of a cluster's etcd membership: the member list, the leader, and each
/// spec node's process and etcd health. Member changes are planned from it (``MemberPlanner``).
public struct MemberObservation: Sendable, Hashable {
    /// One etcd member.
    public struct Member: Sendable, Hashable {
        /// The member ID.
        public var id: UInt64
        /// etcd's name for it (the advertised address); empty until it has started.
        public var name: String
        /// Its peer URLs.
        public var peerURLs: [String]
        /// Whether it is a learner (does not vote).
        public var isLearner: Bool
        /// The spec node whose advertised address its peer URL names; nil when none does.
        public var node: String?

        /// Creates a member.
        public init(id: UInt64, name: String, peerURLs: [String], isLearner: Bool, node: String?) {
            self.id = id
            self.name = name
            self.peerURLs = peerURLs
            self.isLearner = isLearner
            self.node = node
        }

        /// The ID as etcdctl prints it (lower-case hex).
        public var hexID: String { String(id, radix: 16) }
    }

    /// One node of the spec.
    public struct Node: Sendable, Hashable {
        /// Its name.
        public var name: String
        /// Its processes.
        public var process: ClusterObservation.Node
        /// Whether its etcd answered a status request (it is up and counts for the quorum).
        public var etcdUp: Bool
        /// Whether its etcd answered without errors and knows a leader.
        public var etcdHealthy: Bool
        /// Whether its state directory holds etcd data.
        public var hasEtcdData: Bool

        /// Creates a node.
        public init(name: String, process: ClusterObservation.Node? = nil, etcdUp: Bool, etcdHealthy: Bool? = nil, hasEtcdData: Bool = true) {
            self.name = name
            self.process = process ?? ClusterObservation.Node(name: name, process: .none)
            self.etcdUp = etcdUp
            self.etcdHealthy = etcdHealthy ?? etcdUp
            self.hasEtcdData = hasEtcdData
        }

        /// Whether its `headnet node` process runs.
        public var running: Bool { process.runningPID != nil }
    }

    /// etcd's member list; empty when no member answered.
    public var members: [Member]
    /// The spec's nodes, in order.
    public var nodes: [Node]
    /// The leader's member ID, when known.
    public var leaderID: UInt64?

    /// Creates an observation.
    public init(members: [Member], nodes: [Node], leaderID: UInt64? = nil) {
        self.members = members
        self.nodes = nodes
        self.leaderID = leaderID
    }

    /// The member of the node called `name`.
    public func member(of name: String) -> Member? {
        members.first { $0.node == name }
    }

    /// The node called `name`.
    public func node(_ name: String) -> Node? {
        nodes.first { $0.name == name }
    }

    /// The voting members (not learners).
    public var voting: [Member] { members.filter { !$0.isLearner } }

    /// Whether `member`'s node's etcd answers (a member without a node counts as down).
    public func isUp(_ member: Member) -> Bool {
        member.node.flatMap(node)?.etcdUp ?? false
    }

    /// Whether `member`'s node's etcd answers without errors and knows a leader.
    public func isHealthy(_ member: Member) -> Bool {
        member.node.flatMap(node)?.etcdHealthy ?? false
    }

    /// Voting members needed for a majority: more than half.
    public static func quorum(of voting: Int) -> Int { ClusterSpec.quorum(of: voting) }

    /// `node`'s member in `members`, matched by peer URL (a member added but not started yet has
    /// no name).
    public static func member(of node: NodeSpec, in members: [EtcdMember]) -> EtcdMember? {
        members.first { Self.node(forPeerURLs: $0.peerURLs, among: [node]) != nil }
    }

    /// The spec node whose advertised address `peerURLs` name (scheme aside), among `nodes`.
    public static func node(forPeerURLs peerURLs: [String], among nodes: [NodeSpec]) -> String? {
        let addresses = Set(peerURLs.map { url in
            let address = url.range(of: "://").map { String(url[$0.upperBound...]) } ?? url
            return address.hasSuffix("/") ? String(address.dropLast()) : address
        })
        return nodes.first { addresses.contains($0.advertise.description) }?.name
    }

    /// A member's name for people: its node's, else etcd's, else its peer URL.
    public func displayName(_ member: Member) -> String {
        member.node ?? (member.name.isEmpty ? (member.peerURLs.first ?? member.hexID) : member.name)
    }
}
