import Foundation
import HeadNetwork
import HeadnetCore
import NodeAPIModel

/// How `headnet node` runs: the network component's configuration plus the HTTP API.
public struct NodeConfiguration: Sendable {
    /// A name for logs and `/status` (hydra-node's `--node-id`).
    public var nodeID: String
    /// The network component's configuration.
    public var network: EtcdNetworkConfiguration
    /// Host the HTTP API binds to.
    public var apiHost: String
    /// Port of the HTTP API.
    public var apiPort: Int
    /// The cluster the node belongs to, when it runs from a spec; `/status` reports it so that
    /// commands can tell this cluster from another that reuses its ports.
    public var cluster: ClusterLabel?
    /// The headnet release the node runs, for `headnet_build_info` (`headnet node` sets it).
    public var version = "unknown"
    /// The certificates the node uses (TLS on), whose expiry `/metrics` reports: read when it
    /// is rendered, so a rotated certificate shows without a restart.
    public var certificates: [CertificateFile] = []

    /// Creates a configuration; the API defaults to loopback on ``HeadnetCore/HydraPorts/apiPort(listen:)``.
    public init(nodeID: String, network: EtcdNetworkConfiguration, apiHost: String = "127.0.0.1", apiPort: Int? = nil) {
        self.nodeID = nodeID
        self.network = network
        self.apiHost = apiHost
        self.apiPort = apiPort ?? HydraPorts.apiPort(listen: network.listen.port)
    }
}


/// A certificate the node uses, by name (`ca`, `alice-server`, `alice-peer`, `client`).
public struct CertificateFile: Sendable, Hashable {
    /// The name `/metrics` labels it with.
    public var name: String
    /// The PEM file.
    public var path: String

    /// Creates an entry.
    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}
