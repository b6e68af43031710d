import ClusterSpec
import EtcdClient
import Foundation
import Orchestrator
import Processes

/// The running cluster a bench measures: each node's API and etcd endpoint and where its pid
/// is recorded, and the client TLS of its etcd.
public struct BenchTarget: Sendable {
    /// One node.
    public struct Node: Sendable, Hashable {
        /// Its name in the spec.
        public var name: String
        /// Its HTTP API port on loopback.
        public var apiPort: Int
        /// Its etcd member's client URL.
        public var etcdEndpoint: String
        /// Its `node.pid`, for the resident memory; nil when unknown.
        public var pidFile: URL?
    }

    /// The nodes, in spec order.
    public var nodes: [Node]
    /// Client TLS of the etcd members (nil with TLS off).
    public var tls: EtcdClientConfiguration.TLS?
    /// The spec file.
    public var spec: String
    /// Whether this is the bench's own devnet.
    public var ownDevnet: Bool
    /// The node API clients that check a node belongs to the spec's cluster.
    let apiClients: [NodeAPIClient]

    /// The cluster `runner` runs.
    public init(runner: LocalClusterRunner, ownDevnet: Bool) {
        nodes = runner.spec.nodes.map { node in
            Node(name: node.name, apiPort: node.apiPort, etcdEndpoint: runner.spec.clientURL(of: node),
                 pidFile: runner.nodes.pidFile(node).file)
        }
        tls = runner.etcd.tls
        spec = runner.specArgument
        self.ownDevnet = ownDevnet
        apiClients = runner.spec.nodes.map {
            runner.api(for: $0)
        }
    }

    /// The pid of node number `index`'s `headnet node` process, when its pid file names a live one.
    func pid(of index: Int) -> Int32? {
        guard let file = nodes[index].pidFile, let pid = PIDFile(file).pid, ProcessControl.isAlive(pid) else { return nil }
        return pid
    }

    /// Checks that every node answers, is ready and belongs to the spec's cluster.
    func verify() async throws {
        for client in apiClients {
            do {
                try await client.verifyCluster()
            } catch {
                throw BenchError(.node, "\(client.node.name) cannot be benchmarked", cause: error)
            }
            guard await client.isReady() else {
                throw BenchError(.node, "\(client.node.name) is not ready (GET /readyz); see `headnet status -f \(spec)`")
            }
        }
    }
}
