import HeadnetCore
/// A snapshot of the component's state, for `/status`, `/readyz` and metrics.
public struct NetworkStatus: Sendable, Hashable, Codable {
    /// Whether the etcd child reported it serves clients.
    public var etcdReady = false
    /// Whether we hold a lease on a majority (NetworkConnected).
    public var connected = false
    /// nil until checked; true when the cluster's version matches ours.
    public var versionMatches: Bool?
    /// The version found in the cluster when it differs (nil: undecodable or not checked).
    public var theirVersion: UInt64?
    /// Peers whose `alive-` key we see.
    public var peers: [Address] = []
    /// The last revision whose messages were delivered (and persisted).
    public var lastKnownRevision: Int64 = 0
    /// The mod revision of our own `msg-` key after our last broadcast.
    public var lastBroadcastRevision: Int64 = 0
    /// Messages waiting in the broadcast queue.
    public var queueDepth = 0
    /// Messages the broadcast queue holds before it refuses more.
    public var queueCapacity = 0
    /// Seconds the oldest message in the broadcast queue has waited (nil when it is empty).
    public var queueOldestWaitSeconds: Double?
    /// Messages delivered since start.
    public var delivered = 0
    /// Batches written since start.
    public var broadcasts = 0
    /// What the node's etcd member says about itself (nil before its first status poll).
    public var etcd: EtcdFigures?

    /// The state of a component that has not started.
    public init() {}

    /// Ready: etcd serves, we are connected, and the version is known to match.
    public var isReady: Bool { etcdReady && connected && versionMatches == true }

    /// The refusal a node in this state would give a broadcast now: nil unless its queue is full.
    public var queueFull: QueueFull? {
        guard queueCapacity > 0, queueDepth >= queueCapacity else { return nil }
        return QueueFull.diagnose(QueueLoad(depth: queueDepth, capacity: queueCapacity, oldestQueuedAt: nil), status: self)
    }
}
