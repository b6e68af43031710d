import ClusterSpec
import Health
import NodeAPIModel

/// Reads a node through its endpoints: its API and its etcd member. The same for a node on this
/// machine and one on another host (``EndpointReader``).
public protocol NodeReader: Sendable {
    /// Whether the node says it is ready (its etcd serves, it is connected, the version matches).
    func isReady(_ node: NodeSpec) async -> Bool
    /// The node's `/status`, checked to come from this cluster's node.
    func status(of node: NodeSpec) async throws -> NodeStatus
    /// How far a running node is: its `alive-` key, its delivered revision, the newest message.
    func progress(of node: NodeSpec) async throws -> NodeProgress
    /// What its etcd member says of itself (Maintenance Status).
    func member(of node: NodeSpec) async throws -> EtcdMemberState
    /// The name of the node whose etcd member says it leads, asking `nodes` side by side.
    func leader(among nodes: [NodeSpec]) async -> String?
    /// `spec`'s cluster report (``Health/ClusterHealth``): etcd, then each node;
    /// `storedRevision` gives a node that does not answer its last known revision.
    func health(of spec: ClusterSpec, storedRevision: @escaping @Sendable (NodeSpec) async -> Int64?) async -> HealthReport
}

/// How far a node has caught up with its cluster.
public struct NodeProgress: Sendable, Hashable {
    /// Whether the node's `alive-<host:port>` key is in etcd.
    public var aliveKey: Bool
    /// The last revision the node delivered (its last known revision).
    public var delivered: Int64
    /// The revision of the newest `msg-` put in the cluster (0 when there is none).
    public var newestMessage: Int64

    /// Creates a progress reading.
    public init(aliveKey: Bool, delivered: Int64, newestMessage: Int64) {
        self.aliveKey = aliveKey
        self.delivered = delivered
        self.newestMessage = newestMessage
    }
}
