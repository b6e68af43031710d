import ClusterSpec
import Foundation
import HeadnetTemplates

/// Where the generated files expect things on the machines that run the nodes.
public struct BundleSettings: Sendable, Hashable {
    /// State root on the target hosts: node data in `<state>/<cluster>/<node>`, certificates in `<state>/<cluster>/pki`.
    public var stateDirectory = "/var/lib/headnet"
    /// Where the spec is installed on the target hosts (`<config>/<cluster>.yaml`).
    public var configDirectory = "/etc/headnet"
    /// The `headnet` executable on the target hosts.
    public var binary = "/usr/local/bin/headnet"
    /// The container image the compose file names by default.
    public var image = "headnet:latest"

    /// Settings with the defaults above.
    public init() {}
}

/// Everything one cluster needs to run outside `headnet up`: the spec, each node's etcd config
/// file, the certificates (TLS on), a systemd template unit and a compose file.
///
/// ```
/// <out>/spec.yaml                        the spec as given
/// <out>/etcd/<node>.conf.yml             etcd --config-file of each node (what `headnet node` writes)
/// <out>/pki/                             CA, node and client certificates, revocation list (TLS on; kept when present)
/// <out>/pki/ca-key.pem                   the CA key, only with `includeCAKey`
/// <out>/systemd/headnet-<cluster>@.service
/// <out>/compose.yaml
/// ```
public struct ClusterBundle: Sendable {
    /// The cluster.
    public let spec: ClusterSpec
    /// The spec's text, copied as it is.
    public let specText: String
    /// Target-host paths.
    public let settings: BundleSettings
    /// Whether new certificates come with the CA key (`pki/ca-key.pem`, 0600), which signs
    /// further certificates: without it nobody can issue more, nor rotate them.
    public let includeCAKey: Bool

    /// Creates a bundle of `spec` (read from `specText`).
    public init(spec: ClusterSpec, specText: String, settings: BundleSettings = BundleSettings(), includeCAKey: Bool = false) {
        self.spec = spec
        self.specText = specText
        self.settings = settings
        self.includeCAKey = includeCAKey
    }

    /// The layout on the target hosts.
    public var targetLayout: StateLayout { StateLayout(spec: spec, root: URL(fileURLWithPath: settings.stateDirectory)) }

    /// Writes the bundle into `directory` and returns the paths written, relative to it.
    ///
    /// - Throws: ``DeployError`` when a file cannot be written or certificates cannot be made.
    @discardableResult
    public func write(to directory: URL, templates: TemplateSet) throws -> [String] {
        var written: [String] = []
        func put(_ text: String, _ relative: String) throws {
            let file = directory.appendingPathComponent(relative)
            do {
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: file, atomically: true, encoding: .utf8)
            } catch {
                throw DeployError(.io, "cannot write \(file.path)", cause: error)
            }
            written.append(relative)
        }
        try put(specText, "spec.yaml")
        let layout = targetLayout
        let local = ClusterPKI(directory: directory.appendingPathComponent("pki"))
        if spec.tlsEnabled {
            if !local.isComplete(for: spec) {
                try ClusterPKI.generate(for: spec, in: local.directory, keepingCAKey: includeCAKey)
            } else if includeCAKey, !local.hasCAKey {
                throw DeployError(
                    .pki, "the certificates in \(local.directory.path) were made without their CA key, which is gone; "
                        + "move that directory aside to make a new CA with its key (then install the new certificates on every host)")
            }
            written.append("pki/")
            if local.hasCAKey { written.append("pki/ca-key.pem") }
        }
        // The config files name the certificates where they are installed on the target hosts.
        let installed = ClusterPKI(directory: layout.pkiDirectory)
        for node in spec.nodes {
            var files = spec.tlsEnabled ? installed.files(for: node) : nil
            files?.crlFile = local.hasRevocationList ? installed.crlFile : nil
            try put(EtcdConfigRenderer.render(spec: spec, node: node, directory: layout.nodeDirectory(node), tls: files),
                    "etcd/\(node.name).conf.yml")
        }
        let context = templateContext()
        try put(templates.render(HeadnetTemplates.systemdUnit, context), "systemd/headnet-\(spec.name)@.service")
        try put(templates.render(HeadnetTemplates.compose, context), "compose.yaml")
        return written
    }

    /// The values the templates see.
    public func templateContext() -> [String: Any] {
        let state = settings.stateDirectory
        let nodes: [[String: Any]] = spec.nodes.enumerated().map { index, node in
            [
                "name": node.name, "host": node.host, "listen": node.listen.description, "advertise": node.advertise.description,
                "clientPort": node.clientPort, "apiPort": node.apiPort, "last": index == spec.nodes.count - 1,
            ]
        }
        var context: [String: Any] = [
            "cluster": spec.name,
            "nodes": nodes,
            "tls": spec.tlsEnabled,
            "binary": settings.binary,
            "image": settings.image,
            "stateDirectory": state,
            "specPath": "\(settings.configDirectory)/\(spec.name).yaml",
            "pkiDirectory": targetLayout.pkiDirectory.path,
        ]
        if state.hasPrefix("/var/lib/"), state.count > "/var/lib/".count {
            context["stateDirectoryName"] = String(state.dropFirst("/var/lib/".count))
        }
        return context
    }
}
