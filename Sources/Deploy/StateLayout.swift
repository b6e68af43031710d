import ClusterSpec
import Foundation
import HeadnetCore
import Processes

/// Where a cluster's state lives: `<root>/<cluster>/<node>/` (etcd data, logs, queue, revision,
/// journal, pid, certs) and `<root>/<cluster>/pki/`.
///
/// The root is found from the spec file, not from the current directory
/// (``defaultRoot(forSpecAt:)``): `.headnet/` in the spec's project, so every command, from any
/// directory, and a node started by hand with the same spec, use the same state.
public struct StateLayout: Sendable, Hashable {
    /// `<root>/<cluster>`.
    public let clusterDirectory: URL

    /// The layout of `spec` under `root`.
    public init(spec: ClusterSpec, root: URL) {
        clusterDirectory = root.appendingPathComponent(spec.name)
    }

    /// The state root of the spec at `specPath`: `.headnet/` in its project directory — the
    /// directory that holds the spec, or that directory's parent when it is named `clusters`
    /// (so `<project>/clusters/devnet.yaml` keeps its state in `<project>/.headnet/devnet/`).
    /// The path is canonical (``Processes/CanonicalPath``), however the spec's path was spelled.
    public static func defaultRoot(forSpecAt specPath: String) -> URL {
        let directory = URL(fileURLWithPath: CanonicalPath.of(specPath)).deletingLastPathComponent()
        let project = directory.lastPathComponent == "clusters" ? directory.deletingLastPathComponent() : directory
        return project.appendingPathComponent(".headnet")
    }

    /// A node's persistence directory.
    public func nodeDirectory(_ node: NodeSpec) -> URL { clusterDirectory.appendingPathComponent(node.name) }
    /// `<node>/held`: present while the node is stopped with `headnet stop` (`up` leaves it stopped).
    public func heldMarker(_ node: NodeSpec) -> URL { nodeDirectory(node).appendingPathComponent(NodeStateFiles.held) }
    /// The node's etcd config file.
    public func etcdConfigFile(_ node: NodeSpec) -> URL { nodeDirectory(node).appendingPathComponent(NodeStateFiles.etcdConfig) }
    /// The cluster's certificates.
    public var pkiDirectory: URL { clusterDirectory.appendingPathComponent("pki") }
}
