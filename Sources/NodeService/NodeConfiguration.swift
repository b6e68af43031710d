import Foundation
import HeadNetwork

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

    /// Creates a configuration; the API defaults to loopback on 4001 + listen port − 5001.
    public init(nodeID: String, network: EtcdNetworkConfiguration, apiHost: String = "127.0.0.1", apiPort: Int? = nil) {
        self.nodeID = nodeID
        self.network = network
        self.apiHost = apiHost
        self.apiPort = apiPort ?? (4001 + network.listen.port - 5001)
    }
}
