import ClusterSpec
import Deploy
import Foundation
import Processes

/// The control plane on this machine: the spec file, the PKI and the held-stopped records in the
/// cluster's state directory (``Deploy/StateLayout``).
public struct LocalControlPlane: ControlPlane {
    public let spec: ClusterSpec
    /// Where the cluster's state lives.
    public let layout: StateLayout
    /// The spec file (canonical path), which member changes rewrite.
    public let specPath: String
    public let specArgument: String
    /// This machine's nodes, which must all be stopped before the state is deleted.
    public let host: LocalHost

    /// The control plane of `spec`, its file at `specPath` (named `specArgument` by the user).
    public init(spec: ClusterSpec, layout: StateLayout, specPath: String, specArgument: String, host: LocalHost) {
        self.spec = spec
        self.layout = layout
        self.specPath = specPath
        self.specArgument = specArgument
        self.host = host
    }

    /// The cluster's certificates.
    public var pki: ClusterPKI { ClusterPKI(directory: layout.pkiDirectory) }

    /// The cluster's certificates and their rotation.
    public var rotation: CertificateRotation { CertificateRotation(spec: spec, pki: pki) }

    public var certificatesPresent: Bool { !spec.tlsEnabled || pki.isComplete(for: spec) }

    public var keepsCAKey: Bool { pki.hasCAKey }

    public func isHeld(_ node: NodeSpec) -> Bool {
        FileManager.default.fileExists(atPath: layout.heldMarker(node).path)
    }

    public func setHeld(_ node: NodeSpec, _ held: Bool) async throws {
        let marker = layout.heldMarker(node)
        do {
            if held {
                try FileManager.default.createDirectory(at: marker.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data("stopped with `headnet stop`; `headnet start \(node.name)` starts it\n".utf8).write(to: marker)
            } else if FileManager.default.fileExists(atPath: marker.path) {
                try FileManager.default.removeItem(at: marker)
            }
        } catch {
            throw OrchestratorError(.state, "cannot \(held ? "write" : "remove") \(marker.path)", cause: error)
        }
    }

    public func createCertificates() async throws -> String {
        try ClusterPKI.generate(for: spec, in: layout.pkiDirectory)
        return layout.pkiDirectory.path
    }

    public func issueCertificates() async throws -> String {
        let staged = try rotation.stage()
        return "issued \(staged.issued) certificates from the CA into \(rotation.staging.directory.path); "
            + "\(staged.revoking) to revoke once every node runs on the new ones"
    }

    public func installCertificates(of node: NodeSpec?) async throws -> String {
        let names = try rotation.install(node?.name)
        return "\(node.map { "\($0.name): " } ?? "")installed new \(names.filter { !$0.contains("-key") }.joined(separator: ", "))"
            + (node == nil ? " (headnet and each node from its restart)" : "")
    }

    public func revokeCertificates() async throws -> String {
        let list = try rotation.revoke()
        return "revocation list #\(list.number) in place (\(rotation.pki.crlFile), \(list.entries.count) serial numbers): "
            + "etcd refuses the replaced certificates from now on"
    }

    public func issueNodeCertificates(_ node: NodeSpec, in spec: ClusterSpec) async throws -> String {
        try pki.issueCertificates(of: node, in: spec, by: try pki.authority())
        return pki.directory.path
    }

    public func writeSpec(_ text: String) async throws -> String {
        do {
            try text.write(toFile: specPath, atomically: true, encoding: .utf8)
        } catch {
            throw OrchestratorError(.state, "cannot write the spec \(specPath)", cause: error)
        }
        return specPath
    }

    public func purgeState() async throws -> String {
        let left = host.scan()
        // Also any pid file of the cluster naming a live etcd or node, however it was started.
        let recorded = spec.nodes.flatMap { node in
            [host.pidFile(node), host.etcdPIDFile(node)].compactMap { file -> Int32? in
                guard let pid = file.pid, ProcessControl.isAlive(pid),
                    let arguments = ProcessControl.commandLine(pid),
                    arguments.contains("node") || arguments.first.map({ URL(fileURLWithPath: $0).lastPathComponent.hasPrefix("etcd") }) == true
                else { return nil }
                return pid
            }
        }
        guard left.isEmpty, recorded.isEmpty else {
            let pids = Set(left.nodes.values.flatMap { $0 } + left.etcds.values.flatMap { $0 } + recorded).sorted().map(String.init)
            throw OrchestratorError(
                .state, "processes of cluster '\(spec.name)' still run (pid \(pids.joined(separator: ", "))); not deleting the state of a running etcd")
        }
        do {
            if FileManager.default.fileExists(atPath: layout.clusterDirectory.path) {
                try FileManager.default.removeItem(at: layout.clusterDirectory)
            }
        } catch {
            throw OrchestratorError(.state, "cannot remove \(layout.clusterDirectory.path)", cause: error)
        }
        return layout.clusterDirectory.path
    }
}
