import CBOR
import HeadnetCore

/// The connectivity loop's decisions, free of I/O (Hydra's `pollConnectivity`): the caller grants
/// a lease, puts our `alive-` key, keeps the lease alive once a second and ranges the `alive`
/// keys; this type turns each outcome into trace entries and network events.
struct ConnectivityMachine: Sendable {
    /// What to do after a keepalive answer.
    enum KeepAlive: Sendable, Equatable {
        /// The lease lives: scan the `alive` keys, then keep it alive again in a second.
        case scan
        /// The lease is gone or the stream closed: grant a new lease now.
        case renewLease([ComponentAction])
    }

    private var tracker: ConnectivityTracker
    /// Whether we told the application we are connected.
    private(set) var connected = false

    /// How `alive-` values are written.
    let dialect: WireDialect

    /// A machine for the node advertised as `ourselves`, reading `alive-` values in `dialect`.
    init(ourselves: Address, dialect: WireDialect = .master) {
        tracker = ConnectivityTracker(ourselves: ourselves)
        self.dialect = dialect
    }

    /// Peers whose `alive-` key was there at the last scan, sorted.
    var peers: [Address] { tracker.alive.sorted() }

    /// A lease was granted and our `alive-` key written with it.
    mutating func leaseCreated(id: Int64) -> [ComponentAction] {
        var actions: [ComponentAction] = [.trace(.createdLease(leaseId: id))]
        if !connected {
            connected = true
            actions.append(.emit(.networkConnected))
        }
        return actions
    }

    /// A keepalive answered with `ttl` seconds left; nil when the stream closed without an answer.
    func keptAlive(ttl: Int64?) -> KeepAlive {
        guard let ttl else { return .renewLease([.trace(.noKeepAliveResponse)]) }
        guard ttl > 0 else { return .renewLease([.trace(.lowLeaseTTL(ttlRemaining: ttl))]) }
        return .scan
    }

    /// The `alive` keys and values as ranged: undecodable values are traced and skipped, the
    /// rest diffed against the last scan into peer events.
    mutating func scanned(_ kvs: [(key: String, value: [UInt8])]) -> [ComponentAction] {
        var actions: [ComponentAction] = []
        var hosts: [Address] = []
        for kv in kvs {
            do {
                hosts.append(try dialect.decodeAlive(kv.value))
            } catch {
                actions.append(.trace(.failedToDecodeValue(key: kv.key, value: Hex.encode(kv.value), reason: "\(error)")))
            }
        }
        return actions + tracker.update(seen: hosts).map(ComponentAction.emit)
    }

    /// The connection to a majority was lost: peers are forgotten (without events, as Hydra does)
    /// and, if we were connected, `NetworkDisconnected` is emitted.
    mutating func lost() -> [ComponentAction] {
        tracker.reset()
        guard connected else { return [] }
        connected = false
        return [.emit(.networkDisconnected)]
    }
}
