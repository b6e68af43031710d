import HeadnetCore
/// What the network component tells the application about connectivity and delivery gaps
/// (Hydra's `Connectivity` plus our `MessagesMissed`).
public enum NetworkEvent: Sendable, Hashable, Codable {
    /// We are connected to a majority of the etcd cluster (a lease could be granted).
    case networkConnected
    /// We lost the connection to a majority; peers are forgotten until we reconnect.
    case networkDisconnected
    /// Another node's `alive-` key appeared.
    case peerConnected(Address)
    /// Another node's `alive-` key disappeared (its lease expired).
    case peerDisconnected(Address)
    /// The cluster's `version` key holds another protocol version (nil: undecodable).
    case versionMismatch(ours: UInt64, theirs: UInt64?)
    /// etcd ignored requests because the peers belong to another cluster.
    case clusterIDMismatch(peers: String)
    /// Messages between these revisions were compacted away before we saw them.
    case messagesMissed(from: Int64, to: Int64)

    /// The event's name as in Hydra's `Connectivity` constructors.
    public var name: String {
        switch self {
        case .networkConnected: "NetworkConnected"
        case .networkDisconnected: "NetworkDisconnected"
        case .peerConnected: "PeerConnected"
        case .peerDisconnected: "PeerDisconnected"
        case .versionMismatch: "VersionMismatch"
        case .clusterIDMismatch: "ClusterIDMismatch"
        case .messagesMissed: "MessagesMissed"
        }
    }
}

/// A message delivered by the network: who sent it and at which etcd revision it was written.
public struct Delivered<Message: Sendable>: Sendable {
    /// The message.
    public var message: Message
    /// The sender's advertised address (from the `msg-<host:port>` key).
    public var sender: Address
    /// The etcd revision of the put that carried it; several messages of one batch share it.
    public var revision: Int64
    /// Position of the message inside its batch (0 for a single message).
    public var indexInBatch: Int
}
