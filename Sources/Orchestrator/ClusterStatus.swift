import ClusterSpec

/// `headnet status`: one row per node from its pid file, its etcd member and its API.
public struct ClusterStatus: Sendable, Codable {
    /// One node's row.
    public struct Row: Sendable, Codable {
        /// The node's name.
        public var name: String
        /// Its pid when it runs.
        public var pid: Int32?
        /// Whether its process runs.
        public var alive: Bool
        /// Whether its etcd member answered without errors and knows a leader.
        public var etcdHealthy: Bool
        /// Whether its member leads.
        public var leader: Bool
        /// The leader's member ID (hex) as this member sees it.
        public var leaderID: String?
        /// This member's ID (hex).
        public var memberID: String?
        /// Raft term.
        public var raftTerm: UInt64?
        /// Raft index.
        public var raftIndex: UInt64?
        /// The member's store revision.
        public var revision: Int64?
        /// Peers whose `alive-` key the node sees.
        public var peersSeen: Int?
        /// Whether the node is connected to a majority.
        public var connected: Bool?
        /// Messages waiting in its broadcast queue.
        public var queueDepth: Int?
        /// Journal entries.
        public var delivered: Int?
        /// Why its etcd member did not answer.
        public var error: String?
    }

    /// The cluster's name.
    public var cluster: String
    /// Every node alive and healthy, one leader that every member agrees on.
    public var healthy: Bool
    /// The rows, in spec order.
    public var nodes: [Row]

    /// Gathers the status of every node of `runner`'s cluster.
    public static func gather(_ runner: LocalClusterRunner) async -> ClusterStatus {
        var rows: [Row] = []
        for node in runner.spec.nodes {
            var row = Row(name: node.name, alive: false, etcdHealthy: false, leader: false)
            if case .running(let pid) = runner.nodes.processState(node) {
                row.pid = pid
                row.alive = true
            }
            do {
                let status = try await runner.etcd.status(of: node)
                row.etcdHealthy = status.errors.isEmpty && status.leader != 0
                row.leader = status.isLeader
                row.leaderID = String(status.leader, radix: 16)
                row.memberID = String(status.header.memberID, radix: 16)
                row.raftTerm = status.raftTerm
                row.raftIndex = status.raftIndex
                row.revision = status.header.revision
            } catch {
                row.error = "\(error)"
            }
            if let document = await NodeAPIClient(node: node).status(), let network = document["network"] as? [String: Any] {
                row.peersSeen = (network["peers"] as? [Any])?.count
                row.connected = network["connected"] as? Bool
                row.queueDepth = network["queueDepth"] as? Int
                row.delivered = document["delivered"] as? Int
            }
            rows.append(row)
        }
        let leaders = Set(rows.compactMap(\.leaderID))
        let healthy = rows.allSatisfy { $0.alive && $0.etcdHealthy } && rows.filter(\.leader).count == 1 && leaders.count == 1
        return ClusterStatus(cluster: runner.spec.name, healthy: healthy, nodes: rows)
    }
}
