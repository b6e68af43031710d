import HeadNetwork

/// The `/status` document of a node.
public struct NodeStatus: Codable, Sendable {
    /// The node's name.
    public var nodeID: String
    /// The cluster it belongs to (nil for a node started from flags, without a spec).
    public var cluster: ClusterLabel?
    /// The node's advertised address.
    public var advertise: String
    /// Its etcd client URL.
    public var clientURL: String
    /// The component's state.
    public var network: NetworkStatus
    /// Journal entries.
    public var delivered: Int
    /// The last journal entry.
    public var lastDelivered: JournalEntry?
    /// MessagesMissed events since the node started (messages lost to compaction).
    public var messagesMissed: Int

    /// Creates a status document.
    public init(
        nodeID: String, cluster: ClusterLabel?, advertise: String, clientURL: String, network: NetworkStatus, delivered: Int,
        lastDelivered: JournalEntry?, messagesMissed: Int
    ) {
        self.nodeID = nodeID
        self.cluster = cluster
        self.advertise = advertise
        self.clientURL = clientURL
        self.network = network
        self.delivered = delivered
        self.lastDelivered = lastDelivered
        self.messagesMissed = messagesMissed
    }
}
