import ClusterSpec
import Foundation

/// Where a cluster's state lives: `.headnet/<cluster>/<node>/` (etcd data, logs, queue, revision,
/// journal, pid, certs) and `.headnet/<cluster>/pki/`.
public struct StateLayout: Sendable, Hashable {
    /// `.headnet/<cluster>`.
    public let clusterDirectory: URL

    /// The layout of `spec` under `root` (default `.headnet` in the working directory).
    public init(spec: ClusterSpec, root: URL = URL(fileURLWithPath: ".headnet")) {
        clusterDirectory = root.appendingPathComponent(spec.name)
    }

    /// A node's persistence directory.
    public func nodeDirectory(_ node: NodeSpec) -> URL { clusterDirectory.appendingPathComponent(node.name) }
    /// The node's etcd config file.
    public func etcdConfigFile(_ node: NodeSpec) -> URL { nodeDirectory(node).appendingPathComponent("etcd.conf.yml") }
    /// The cluster's certificates.
    public var pkiDirectory: URL { clusterDirectory.appendingPathComponent("pki") }
}
