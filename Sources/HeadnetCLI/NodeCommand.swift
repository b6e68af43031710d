import ArgumentParser
import Foundation
import HeadNetwork
import Logging
import NodeService

/// `headnet node`: runs one node — an etcd child, the network component and the HTTP API —
/// with hydra-node's network flags.
public struct NodeCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run one node: its etcd member, the network component and the HTTP API.",
        discussion: """
            Flags follow hydra-node's. The etcd client port is 2379 + listen port − 5001 and the API \
            port 4001 + listen port − 5001 unless --api is given. Trace lines (JSON) go to standard \
            output, logs to standard error. SIGINT or SIGTERM stops the node and its etcd gracefully.
            """)

    /// Node name for logs and /status.
    @Option(name: .customLong("node-id"), help: "Name of this node (logs, /status).")
    public var nodeID: String

    /// etcd peer listen address.
    @Option(help: "Address etcd listens on for peers, host:port (port ≥ 2622).")
    public var listen: String

    /// Advertised address.
    @Option(help: "Address the other nodes reach this one at (default: --listen).")
    public var advertise: String?

    /// Other nodes.
    @Option(name: .customLong("peer"), help: "Another node's advertised host:port (repeat for each).")
    public var peers: [String] = []

    /// Persistence directory.
    @Option(name: .customLong("persistence-dir"), help: "Directory for etcd data, the broadcast queue, revision and journal.")
    public var persistenceDir: String

    /// HTTP API address.
    @Option(help: "HTTP API address host:port (default 127.0.0.1:<4001 + listen port − 5001>).")
    public var api: String?

    /// Protocol version.
    @Option(name: .customLong("protocol-version"), help: "Protocol version written to the cluster's version key.")
    public var protocolVersion: UInt64 = 2

    /// etcd binary.
    @Option(name: .customLong("etcd-binary"), help: "etcd binary, a path or a name on PATH.")
    public var etcdBinary: String = "etcd"

    /// Extra etcd flags.
    @Option(name: .customLong("etcd-arg"), parsing: .unconditionalSingleValue, help: "Extra flag for etcd (repeat), e.g. --etcd-arg=--heartbeat-interval=50.")
    public var etcdArguments: [String] = []

    /// Creates the command (used by argument-parser).
    public init() {}

    /// Checks the addresses before anything starts.
    public func validate() throws {
        _ = try nodeConfiguration()
    }

    /// Builds the node's configuration from the flags.
    public func nodeConfiguration() throws -> NodeConfiguration {
        do {
            let listen = try NetworkHost(parsing: self.listen)
            let advertise = try self.advertise.map(NetworkHost.init(parsing:)) ?? listen
            let peers = try self.peers.map(NetworkHost.init(parsing:))
            let network = EtcdNetworkConfiguration(
                persistenceDirectory: URL(fileURLWithPath: persistenceDir), listen: listen, advertise: advertise,
                peers: peers, protocolVersion: protocolVersion, etcdBinary: etcdBinary, extraEtcdArguments: etcdArguments)
            try network.validate()
            var node = NodeConfiguration(nodeID: nodeID, network: network)
            if let api {
                let address = try NetworkHost(parsing: api)
                node.apiHost = address.hostname
                node.apiPort = address.port
            }
            return node
        } catch let error as HeadNetworkError {
            throw ValidationError(error.message)
        }
    }

    /// Runs the node until SIGINT/SIGTERM.
    public func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let configuration = try nodeConfiguration()
        let node = try HeadNode(configuration: configuration, logger: Logger(label: "headnet.node.\(nodeID)")) { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        try await node.run()
    }
}
