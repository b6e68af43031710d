import HeadnetCore
/// Turns successive `alive-` scans into PeerConnected/PeerDisconnected events (I/O-free).
public struct ConnectivityTracker: Sendable {
    /// This node's own address, never reported as a peer.
    public let ourselves: Address
    /// Peers seen alive at the last scan.
    public private(set) var alive: Set<Address> = []

    /// Creates a tracker for the node advertised as `ourselves`.
    public init(ourselves: Address) {
        self.ourselves = ourselves
    }

    /// Records a scan and returns the events it implies, connections first, each sorted.
    public mutating func update(seen: [Address]) -> [NetworkEvent] {
        let now = Set(seen).subtracting([ourselves])
        let connected = now.subtracting(alive).sorted().map(NetworkEvent.peerConnected)
        let disconnected = alive.subtracting(now).sorted().map(NetworkEvent.peerDisconnected)
        alive = now
        return connected + disconnected
    }

    /// Forgets every peer (after losing the network) without emitting events.
    public mutating func reset() {
        alive = []
    }
}
