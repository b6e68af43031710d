import ArgumentParser
import ClusterSpec
import Deploy
import Foundation
import HeadNetwork
import HeadnetCore
import Logging
import NodeAPIModel
import NodeService
import Processes

/// `headnet node`: runs one node — an etcd child, the network component and the HTTP API —
/// with hydra-node's network flags.
public struct NodeCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run one node: its etcd member, the network component and the HTTP API.",
        discussion: """
            Flags follow hydra-node's: \(HydraPorts.clientRule); \(HydraPorts.apiRule) unless --api is \
            given. Trace lines (JSON) go to standard \
            output, logs to standard error. SIGINT or SIGTERM stops the node and its etcd gracefully.
            """)

    /// Cluster spec to take the node from.
    @Option(name: [.customShort("f"), .long], help: "Cluster spec; with --name, every other setting comes from it.")
    public var spec: String?

    /// Node name in the spec.
    @Option(help: "The node's name in --spec.")
    public var name: String?

    /// State root for spec-based nodes.
    @Option(name: .customLong("state-dir"), help: """
        State root for --spec nodes: the node uses <state-dir>/<cluster>/<name> (default: .headnet/ in the spec's project, \
        as `headnet up` uses).
        """)
    public var stateDir: String?

    /// Node name for logs and /status.
    @Option(name: .customLong("node-id"), help: "Name of this node (logs, /status).")
    public var nodeID: String?

    /// etcd peer listen address.
    @Option(help: "Address etcd listens on for peers, host:port (port ≥ 2622).")
    public var listen: String?

    /// Advertised address.
    @Option(help: "Address the other nodes reach this one at (default: --listen).")
    public var advertise: String?

    /// Other nodes.
    @Option(name: .customLong("peer"), help: "Another node's advertised host:port (repeat for each).")
    public var peers: [String] = []

    /// Persistence directory.
    @Option(name: .customLong("persistence-dir"), help: "Directory for etcd data, the broadcast queue, revision and journal.")
    public var persistenceDir: String?

    /// HTTP API address.
    @Option(help: "HTTP API address host:port (default 127.0.0.1, \(HydraPorts.apiRule)).")
    public var api: String?

    /// Protocol version.
    @Option(name: .customLong("protocol-version"), help: "Protocol version written to the cluster's version key.")
    public var protocolVersion: UInt64 = 2

    /// etcd binary.
    @Option(name: .customLong("etcd-binary"), help: "etcd binary, a path or a name on PATH.")
    public var etcdBinary: String = "etcd"

    /// Idempotency keys remembered.
    @Option(name: .customLong("idempotency-window"), help: """
        How many Idempotency-Key values of accepted broadcasts the node remembers, across restarts \
        (default \(PersistentQueue.defaultKeyWindow); at least the queue's capacity).
        """)
    public var idempotencyWindow: Int?

    /// Extra etcd flags.
    @Option(name: .customLong("etcd-arg"), parsing: .unconditionalSingleValue, help: "Extra flag for etcd (repeat), e.g. --etcd-arg=--heartbeat-interval=50.")
    public var etcdArguments: [String] = []

    /// Creates the command (used by argument-parser).
    public init() {}

    /// Checks the flags before anything starts (without writing files).
    public func validate() throws {
        if spec != nil || name != nil {
            guard spec != nil, name != nil else { throw ValidationError("--spec and --name go together") }
            return
        }
        guard nodeID != nil, listen != nil, persistenceDir != nil else {
            throw ValidationError("give --spec and --name, or --node-id, --listen and --persistence-dir")
        }
        _ = try nodeConfiguration()
    }

    /// Builds the node's configuration from the flags, or from the spec (writing the node's etcd
    /// config file); --api and --idempotency-window apply to both.
    public func nodeConfiguration() throws -> NodeConfiguration {
        if let spec, let name {
            return try specConfiguration(specPath: spec, name: name)
        }
        do {
            guard let nodeID, let listenText = self.listen, let persistenceDir else {
                throw ValidationError("give --spec and --name, or --node-id, --listen and --persistence-dir")
            }
            let listen = try Address(hydraHost: listenText)
            let advertise = try self.advertise.map(Address.init(hydraHost:)) ?? listen
            let peers = try self.peers.map(Address.init(hydraHost:))
            var network = EtcdNetworkConfiguration(
                persistenceDirectory: URL(fileURLWithPath: persistenceDir), listen: listen, advertise: advertise,
                peers: peers, protocolVersion: protocolVersion, etcdBinary: etcdBinary, extraEtcdArguments: etcdArguments)
            // Every node of Hydra's flags is a founder, as in Hydra.
            network.joinsExistingCluster = EtcdNetworkConfiguration.joinsExistingCluster(
                founder: true, persistenceDirectory: network.persistenceDirectory, environment: ProcessInfo.processInfo.environment)
            try network.validate()
            var node = NodeConfiguration(nodeID: nodeID, network: network)
            node.version = Headnet.version
            try applyAPI(to: &node)
            return node
        } catch let error as HeadNetworkError {
            throw ValidationError(error.message)
        }
    }

    private func specConfiguration(specPath: String, name: String) throws -> NodeConfiguration {
        let cluster: ClusterSpec
        do {
            cluster = try SpecReader.load(path: specPath)
        } catch let error as SpecError {
            throw CLIError(.spec, "\(specPath): \(error)")
        }
        let node = try cluster.node(named: name)
        let root = stateDir.map { URL(fileURLWithPath: CanonicalPath.of($0)) } ?? StateLayout.defaultRoot(forSpecAt: specPath)
        let layout = StateLayout(spec: cluster, root: root)
        let network = try NodePreparation.prepare(spec: cluster, node: node, layout: layout)
        var configuration = NodeConfiguration(nodeID: name, network: network, apiHost: cluster.reachableHost(of: node), apiPort: node.apiPort)
        configuration.cluster = ClusterLabel(
            name: cluster.name, identity: cluster.identity, spec: CanonicalPath.of(specPath))
        configuration.version = Headnet.version
        if cluster.tlsEnabled {
            let files = ClusterPKI(directory: layout.pkiDirectory).certificateFiles(of: node)
            configuration.certificates = files.map { CertificateFile(name: $0.name, path: $0.path) }
        }
        try applyAPI(to: &configuration)
        return configuration
    }

    private func applyAPI(to node: inout NodeConfiguration) throws {
        if let idempotencyWindow {
            guard idempotencyWindow >= 1 else { throw ValidationError("--idempotency-window must be at least 1, not \(idempotencyWindow)") }
            node.network.idempotencyWindow = idempotencyWindow
        }
        guard let api else { return }
        let address = try Address(hydraHost: api)
        node.apiHost = address.host
        node.apiPort = address.port
    }

    /// Runs the node until SIGINT/SIGTERM.
    public func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        var configuration = try nodeConfiguration()
        configuration.network.clientDialPort = EtcdDialOverride.port(in: ProcessInfo.processInfo.environment)
        let logger = Logger(label: "headnet.node.\(configuration.nodeID)")
        let trace = TraceOutput(logger: logger)
        let node = try HeadNode(configuration: configuration, logger: logger) { trace.write($0) }
        try await node.run()
    }
}
