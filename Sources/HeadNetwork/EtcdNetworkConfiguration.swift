import EtcdClient
import Foundation
import HeadnetCore

/// Everything the network component needs to run one node (Hydra's `NetworkConfiguration`).
public struct EtcdNetworkConfiguration: Sendable {
    /// The node's persistence directory: etcd data, queue, last known revision.
    public var persistenceDirectory: URL
    /// Address etcd listens on for peers (raft).
    public var listen: Address
    /// Address other nodes reach this node at; names the node (`msg-`/`alive-` keys, member name).
    public var advertise: Address
    /// The other nodes' advertised addresses, in order: with this node, etcd's
    /// `--initial-cluster` (which, for a node that joins a running cluster, must list every
    /// current member).
    public var peers: [Address]
    /// The advertised addresses of the members the cluster was founded with, in order; they name
    /// the etcd data directory (``EtcdProcess/dataDirectory``), so adding or removing a member
    /// later does not move any node to a new one. nil: this node and its peers, as in Hydra.
    public var founders: [Address]?
    /// Whether this node joins a cluster that already runs: etcd then starts with
    /// initial-cluster-state `existing` even on an empty data directory. Set it from
    /// ``joinsExistingCluster(founder:persistenceDirectory:environment:)``, the rule.
    public var joinsExistingCluster = false
    /// Our protocol version, written to the `version` key; it also picks the wire dialect.
    public var protocolVersion: UInt64
    /// How our values are written: protocol 1 as Hydra 2.3.0, 2 as master (``WireDialect``).
    public var dialect: WireDialect { WireDialect(protocolVersion: protocolVersion) }
    /// The etcd binary (a path, or a name looked up on PATH).
    public var etcdBinary: String
    /// Broadcast queue capacity.
    public var queueCapacity: Int
    /// How many idempotency keys of accepted broadcasts the node remembers (the last ones,
    /// across restarts; at least ``queueCapacity``): see ``EtcdNetwork/offer(_:idempotencyKey:)``.
    public var idempotencyWindow = PersistentQueue.defaultKeyWindow
    /// TTL of the `alive-` lease in seconds.
    public var leaseTTLSeconds: Int64
    /// Most messages per broadcast value.
    public var batchMaxMessages: Int
    /// Most message bytes per broadcast value.
    public var batchMaxBytes: Int
    /// Extra etcd flags (e.g. `--heartbeat-interval 50` in tests, TLS flags).
    public var extraEtcdArguments: [String]
    /// Extra environment for etcd (wins over the component's defaults).
    public var etcdEnvironment: [String: String]
    /// Start etcd with this `--config-file` instead of flags (headnet's spec-based nodes; the
    /// file must agree with this configuration's addresses).
    public var etcdConfigFile: URL?
    /// TLS for the component's own etcd client (when etcd serves clients over TLS).
    public var clientTLS: EtcdClientConfiguration.TLS?
    /// The port the component's own etcd client dials on loopback instead of ``clientPort``
    /// (a drill's relay in front of etcd, ``HeadnetCore/EtcdDialOverride``); nil: the client port.
    public var clientDialPort: Int?

    /// Creates a configuration with Hydra's defaults.
    public init(
        persistenceDirectory: URL, listen: Address, advertise: Address? = nil, peers: [Address],
        protocolVersion: UInt64, etcdBinary: String = "etcd", queueCapacity: Int = 100, leaseTTLSeconds: Int64 = 3,
        batchMaxMessages: Int = BroadcastBatch.maxMessages, batchMaxBytes: Int = BroadcastBatch.maxBytes,
        extraEtcdArguments: [String] = [], etcdEnvironment: [String: String] = [:]
    ) {
        self.persistenceDirectory = persistenceDirectory
        self.listen = listen
        self.advertise = advertise ?? listen
        self.peers = peers
        self.protocolVersion = protocolVersion
        self.etcdBinary = etcdBinary
        self.queueCapacity = queueCapacity
        self.leaseTTLSeconds = leaseTTLSeconds
        self.batchMaxMessages = batchMaxMessages
        self.batchMaxBytes = batchMaxBytes
        self.extraEtcdArguments = extraEtcdArguments
        self.etcdEnvironment = etcdEnvironment
    }

    /// Lowest listen port whose client port (``HeadnetCore/HydraPorts``) is a valid port.
    public static let lowestListenPort = HydraPorts.lowestListenPort

    /// The etcd client port, as Hydra derives it (``HeadnetCore/HydraPorts/clientPort(listen:)``).
    public var clientPort: Int { HydraPorts.clientPort(listen: listen.port) }

    /// The etcd client URL on loopback (`https` when ``clientTLS`` is set).
    public var clientURL: String { loopbackURL(port: clientPort) }

    /// The environment variable that makes a node's etcd join a running cluster, as in Hydra (its
    /// PR #2073, the workaround of #1937).
    public static let initialClusterStateVariable = "ETCD_INITIAL_CLUSTER_STATE"

    /// Whether a node's etcd, on an empty data directory, joins a cluster that already runs
    /// (initial-cluster-state `existing`) rather than founding one (`new`): the one rule, for a
    /// node from a spec and one from Hydra's flags alike. It joins when
    /// - it is not a `founder` (added with `headnet member add` after the founders bootstrapped);
    /// - its `persistenceDirectory` holds the ``HeadnetCore/NodeStateFiles/joinExisting`` marker,
    ///   written when its member was added to etcd's (a founder removed and added back under its
    ///   name and address, a drill's `add-member`): a founder would start `new` and fail;
    /// - its `environment` has `ETCD_INITIAL_CLUSTER_STATE=existing`, Hydra's workaround.
    ///
    /// A data directory that holds a member starts as `existing` whatever this says
    /// (``EtcdProcess/initialClusterState``).
    public static func joinsExistingCluster(founder: Bool, persistenceDirectory: URL, environment: [String: String]) -> Bool {
        !founder
            || environment[initialClusterStateVariable] == "existing"
            || FileManager.default.fileExists(atPath: persistenceDirectory.appendingPathComponent(NodeStateFiles.joinExisting).path)
    }

    /// The URL the component's own etcd client dials: ``clientURL``, or ``clientDialPort`` on
    /// loopback when set.
    public var dialURL: String { loopbackURL(port: clientDialPort ?? clientPort) }

    /// An etcd client URL on loopback at `port`, `https` when ``clientTLS`` is set.
    private func loopbackURL(port: Int) -> String { "\(clientTLS == nil ? "http" : "https")://127.0.0.1:\(port)" }

    /// Rejects configurations etcd or Hydra's port arithmetic cannot handle.
    public func validate() throws {
        guard listen.port >= Self.lowestListenPort else {
            throw HeadNetworkError(
                .configuration,
                "listen port \(listen.port) is below \(Self.lowestListenPort): by Hydra's rule (\(HydraPorts.clientRule)) its etcd client port would not be valid. Use a listen port of \(Self.lowestListenPort) or more")
        }
        guard clientPort <= 65535 else {
            throw HeadNetworkError(.configuration, "listen port \(listen.port) gives etcd client port \(clientPort), above 65535; use a lower listen port")
        }
        guard idempotencyWindow >= 1 else {
            throw HeadNetworkError(.configuration, "the idempotency window is \(idempotencyWindow) keys; it must keep at least 1")
        }
        guard !peers.contains(advertise) else {
            throw HeadNetworkError(.configuration, "the peers include this node's own address \(advertise); list only the other nodes")
        }
    }
}
