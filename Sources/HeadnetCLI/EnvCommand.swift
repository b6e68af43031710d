import ArgumentParser
import ClusterSpec
import Deploy
import Foundation
import HeadnetCore

/// `headnet env NODE`: `ETCDCTL_*` exports for that node's etcd, like `minikube docker-env`.
public struct EnvCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Print ETCDCTL_* exports for a node's etcd (TLS files included).",
        discussion: """
            Use it as: eval "$(headnet env alice -f clusters/devnet-tls.yaml)" && etcdctl get version
            With TLS off, the certificate variables are unset so that a shell switched from a TLS \
            cluster keeps working.
            """)

    @OptionGroup var target: NodeOption

    /// Creates the command.
    public init() {}

    /// Prints the exports.
    public func run() async throws {
        let runner = try target.runner(checkBinaries: false)
        let node = try runner.spec.node(named: target.node)
        print(Self.exports(spec: runner.spec, node: node, pki: ClusterPKI(directory: runner.layout.pkiDirectory)).joined(separator: "\n"))
    }

    /// The shell lines for `node` of `spec` with certificates from `pki`.
    static func exports(spec: ClusterSpec, node: NodeSpec, pki: ClusterPKI) -> [String] {
        var lines = ["export ETCDCTL_API=3", "export ETCDCTL_ENDPOINTS=\(ShellWord.quoted(spec.clientURL(of: node)))"]
        if spec.tlsEnabled {
            lines += [
                "export ETCDCTL_CACERT=\(ShellWord.quoted(pki.caFile))", "export ETCDCTL_CERT=\(ShellWord.quoted(pki.clientCertFile))",
                "export ETCDCTL_KEY=\(ShellWord.quoted(pki.clientKeyFile))",
            ]
        } else {
            lines.append("unset ETCDCTL_CACERT ETCDCTL_CERT ETCDCTL_KEY")
        }
        lines.append("# \(node.name) of cluster '\(spec.name)'; run: eval \"$(headnet env \(node.name) ...)\"")
        return lines
    }
}
