import ClusterSpec
import Foundation
import HeadNetwork

/// Paths of the TLS files one node's etcd uses.
public struct NodeTLSFiles: Sendable, Hashable {
    /// CA certificate (PEM) that signs every certificate of the cluster.
    public var caFile: String
    /// Server certificate for clients.
    public var serverCertFile: String
    /// Its key.
    public var serverKeyFile: String
    /// Peer certificate (server and client auth) for raft traffic.
    public var peerCertFile: String
    /// Its key.
    public var peerKeyFile: String
    /// The revocation list (PEM) etcd checks client and peer certificates against on every
    /// connection it accepts; `nil`: none. The file must exist while etcd runs: etcd refuses
    /// every connection when it cannot read it.
    public var crlFile: String?

    /// Creates the set.
    public init(
        caFile: String, serverCertFile: String, serverKeyFile: String, peerCertFile: String, peerKeyFile: String, crlFile: String? = nil
    ) {
        self.caFile = caFile
        self.serverCertFile = serverCertFile
        self.serverKeyFile = serverKeyFile
        self.peerCertFile = peerCertFile
        self.peerKeyFile = peerKeyFile
        self.crlFile = crlFile
    }
}

/// Renders a node's etcd configuration in etcd's `--config-file` YAML format (etcd 3.4 keys).
public enum EtcdConfigRenderer {
    /// The network component's configuration for `node` of `spec`, persisting in `directory`.
    ///
    /// The peers are the spec's other nodes (the current members). With `initialCluster:` in the
    /// spec, its founding members name the data directory. Whether the node joins the running
    /// cluster (initial-cluster-state `existing`) is
    /// ``HeadNetwork/EtcdNetworkConfiguration/joinsExistingCluster(founder:persistenceDirectory:environment:)``'s
    /// answer, `environment` the node's.
    public static func networkConfiguration(
        spec: ClusterSpec, node: NodeSpec, directory: URL, environment: [String: String] = [:]
    ) -> EtcdNetworkConfiguration {
        let peers = spec.nodes.filter { $0.name != node.name }.map(\.advertise)
        var configuration = EtcdNetworkConfiguration(
            persistenceDirectory: directory,
            listen: node.listen,
            advertise: node.advertise,
            peers: peers, protocolVersion: spec.protocolVersion, etcdBinary: spec.etcd.binary,
            queueCapacity: spec.network.queueCapacity, leaseTTLSeconds: Int64(spec.network.leaseTTLSeconds),
            batchMaxMessages: spec.network.batchMaxMessages, batchMaxBytes: spec.network.batchMaxBytes)
        configuration.founders = spec.initialCluster?.map(\.advertise)
        configuration.joinsExistingCluster = EtcdNetworkConfiguration.joinsExistingCluster(
            founder: spec.isFounder(node), persistenceDirectory: directory, environment: environment)
        return configuration
    }

    /// The `--initial-cluster-token` of every member (Hydra's).
    public static let initialClusterToken = EtcdProcess.initialClusterToken

    /// The member name of `node`'s etcd: its advertised address, `127.0.0.1:5001`.
    public static func memberName(_ node: NodeSpec) -> String { node.advertise.description }

    /// The etcd data directory of `node` persisting in `directory`: ``HeadNetwork/EtcdProcess/dataDirectory``,
    /// named by a hash of the initial cluster, where the node's etcd looks for its data.
    public static func dataDirectory(spec: ClusterSpec, node: NodeSpec, directory: URL) -> URL {
        EtcdProcess(configuration: networkConfiguration(spec: spec, node: node, directory: directory)).dataDirectory
    }

    /// `http://host:port` (`https` with TLS; an IPv6 host in brackets).
    public static func url(host: String, port: Int, tls: Bool) -> String {
        let scheme = tls ? "https" : "http"
        return host.contains(":") ? "\(scheme)://[\(host)]:\(port)" : "\(scheme)://\(host):\(port)"
    }

    /// The peer URL `node` advertises (`initial-advertise-peer-urls`).
    public static func peerURL(_ node: NodeSpec, tls: Bool) -> String {
        url(host: node.advertise.host, port: node.advertise.port, tls: tls)
    }

    /// `initial-cluster` as `node`'s config file has it: `node` first, then the others in spec order.
    public static func initialCluster(spec: ClusterSpec, node: NodeSpec, tls: Bool) -> String {
        ([node] + spec.nodes.filter { $0.name != node.name }).map { "\(memberName($0))=\(peerURL($0, tls: tls))" }.joined(separator: ",")
    }

    /// The config file text for `node`; `tls` adds client and peer TLS with certificate auth
    /// (and the revocation list when it names one); `environment` is the node's (whether it
    /// joins a running cluster: ``networkConfiguration(spec:node:directory:environment:)``).
    public static func render(spec: ClusterSpec, node: NodeSpec, directory: URL, tls: NodeTLSFiles?, environment: [String: String] = [:]) -> String {
        let etcd = EtcdProcess(configuration: networkConfiguration(spec: spec, node: node, directory: directory, environment: environment))
        func url(_ host: String, _ port: Int) -> String { Self.url(host: host, port: port, tls: tls != nil) }
        var clientURLs = [url("127.0.0.1", node.clientPort)]
        if !node.advertise.isLoopback { clientURLs.append(url(node.advertise.host, node.clientPort)) }
        var lines = [
            "# etcd configuration of node \(node.name) in cluster \(spec.name); generated by headnet, do not edit.",
            "name: \(quoted(memberName(node)))",
            "data-dir: \(quoted(etcd.dataDirectory.path))",
            "listen-peer-urls: \(quoted(url(node.listen.host, node.listen.port)))",
            "initial-advertise-peer-urls: \(quoted(peerURL(node, tls: tls != nil)))",
            "listen-client-urls: \(quoted(clientURLs.joined(separator: ",")))",
            "advertise-client-urls: \(quoted(clientURLs.joined(separator: ",")))",
            "initial-cluster: \(quoted(initialCluster(spec: spec, node: node, tls: tls != nil)))",
            "initial-cluster-token: \(quoted(initialClusterToken))",
            "initial-cluster-state: \(etcd.initialClusterState)",
            "heartbeat-interval: \(spec.etcd.heartbeatMs)",
            "election-timeout: \(spec.etcd.electionMs)",
            "quota-backend-bytes: \(spec.etcd.quotaBackendBytes)",
            "auto-compaction-mode: \(spec.etcd.compactionMode)",
            "auto-compaction-retention: \(quoted(spec.etcd.compactionRetention))",
            "logger: zap",
            "log-outputs: [stderr]",
        ]
        if let tls {
            for section in ["client-transport-security", "peer-transport-security"] {
                let peer = section.hasPrefix("peer")
                lines += [
                    "\(section):",
                    "  cert-file: \(quoted(peer ? tls.peerCertFile : tls.serverCertFile))",
                    "  key-file: \(quoted(peer ? tls.peerKeyFile : tls.serverKeyFile))",
                    "  trusted-ca-file: \(quoted(tls.caFile))",
                    "  client-cert-auth: true",
                ]
            }
            if let crl = tls.crlFile {
                // etcd 3.4 ignores a `crl-file` key in the two sections above; its config file
                // reaches the TLS settings' CRLFile only through these top-level keys.
                for section in ["ClientTLSInfo", "PeerTLSInfo"] {
                    lines += ["\(section):", "  CRLFile: \(quoted(crl))"]
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
