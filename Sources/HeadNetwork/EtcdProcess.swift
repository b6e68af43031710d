import CBOR
import Crypto
import EtcdClient
import Foundation
import HeadnetCore

/// The etcd member a node runs as its child: command line, data directory and stderr handling.
public struct EtcdProcess: Sendable {
    /// The node's configuration.
    public let configuration: EtcdNetworkConfiguration

    /// Creates the description for a node.
    public init(configuration: EtcdNetworkConfiguration) {
        self.configuration = configuration
    }

    /// The `--initial-cluster-token` every member of a Hydra network uses.
    public static let initialClusterToken = "hydra-network-1"

    /// `<advertise>=http://<advertise>` for this node, then each peer in order, comma-joined.
    public var initialCluster: String {
        ([configuration.advertise] + configuration.peers).map { "\($0)=\($0.httpURL)" }.joined(separator: ",")
    }

    /// What names the data directory: this node's address, then the founders' (without this
    /// node) in order, in the form of ``initialCluster``. Without ``EtcdNetworkConfiguration/founders``
    /// it is ``initialCluster`` itself, as in Hydra; with them it stays the same while members
    /// come and go.
    public var dataDirectoryCluster: String {
        guard let founders = configuration.founders else { return initialCluster }
        let advertise = configuration.advertise
        return ([advertise] + founders.filter { $0 != advertise }).map { "\($0)=\($0.httpURL)" }.joined(separator: ",")
    }

    /// `<persistence>/etcd/<hex sha256 of the CBOR byte string of dataDirectoryCluster>`: as in
    /// Hydra, the hash of the initial cluster when the founders are not given (a changed peer
    /// list then gets a fresh data directory); with them, of the founding members.
    public var dataDirectory: URL {
        let digest = SHA256.hash(data: CBOR.bytes(Array(dataDirectoryCluster.utf8)).encoded)
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        return configuration.persistenceDirectory.appendingPathComponent(NodeStateFiles.etcdData).appendingPathComponent(hex)
    }

    /// Whether the data directory already holds a member (then it joins as `existing`).
    public var hasExistingMember: Bool {
        FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("member").path)
    }

    /// `existing` when the data directory holds a member or the node joins a running cluster
    /// (``EtcdNetworkConfiguration/joinsExistingCluster``); else `new`.
    public var initialClusterState: String {
        hasExistingMember || configuration.joinsExistingCluster ? "existing" : "new"
    }

    /// etcd's command line (etcd 3.4 flags), or `--config-file` when the configuration names one.
    public var arguments: [String] {
        let config = configuration
        if let file = config.etcdConfigFile { return ["--config-file", file.path] }
        return [
            "--name", config.advertise.description,
            "--data-dir", dataDirectory.path,
            "--listen-peer-urls", config.listen.httpURL,
            "--initial-advertise-peer-urls", config.advertise.httpURL,
            "--listen-client-urls", config.clientURL,
            "--advertise-client-urls", config.clientURL,
            "--initial-cluster-token", Self.initialClusterToken,
            "--initial-cluster", initialCluster,
            "--initial-cluster-state", initialClusterState,
            "--logger", "zap",
            "--log-outputs", "stderr",
        ] + config.extraEtcdArguments
    }

    /// The environment: ours, plus revision auto-compaction to 1000 unless already set, without
    /// `ETCD_INITIAL_CLUSTER_STATE`: the state is on the command line (or in the config file), and
    /// etcd refuses to start when a variable shadows a flag; what the variable said is in
    /// ``EtcdNetworkConfiguration/joinsExistingCluster``.
    public func environment(base: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var env = ["ETCD_AUTO_COMPACTION_MODE": "revision", "ETCD_AUTO_COMPACTION_RETENTION": "1000"]
        for (key, value) in base { env[key] = value }
        for (key, value) in configuration.etcdEnvironment { env[key] = value }
        env[EtcdNetworkConfiguration.initialClusterStateVariable] = nil
        return env
    }

    /// What one stderr line of etcd means for the component.
    public enum LineMeaning: Sendable, Equatable {
        /// A JSON log line, traced as `EtcdLog`.
        case log(String)
        /// Not JSON: traced as `FailedToDecodeLog`.
        case notJSON(String, reason: String)
        /// The peers belong to another cluster (or the member was already bootstrapped).
        case clusterIDMismatch
    }

    /// Classifies one stderr line (the mismatch patterns are ``EtcdServerLog/isClusterIDMismatch(_:)``'s).
    public static func classify(_ line: String) -> LineMeaning {
        if EtcdServerLog.isClusterIDMismatch(line) { return .clusterIDMismatch }
        guard (try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any] else {
            return .notJSON(line, reason: "not a JSON object")
        }
        return .log(line)
    }

    /// What to tell the user on a cluster-ID mismatch.
    public var clusterIDMismatchAdvice: String {
        "etcd at \(configuration.advertise) belongs to another cluster than its peers (\(initialCluster)). If this node's state is stale, stop it and remove \(dataDirectory.path), then start it again"
    }
}
