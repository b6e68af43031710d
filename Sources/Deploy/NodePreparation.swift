import ClusterSpec
import EtcdClient
import Foundation
import HeadNetwork

/// Turns a spec's node into the network component's configuration, writing its etcd config file.
public enum NodePreparation {
    /// Writes `<state>/<node>/etcd.conf.yml` and returns the configuration that runs etcd with
    /// it (with client TLS when the cluster has TLS on).
    ///
    /// - Throws: ``DeployError`` when TLS is on and the cluster's certificates are missing.
    public static func prepare(spec: ClusterSpec, node: NodeSpec, layout: StateLayout) throws -> EtcdNetworkConfiguration {
        let directory = layout.nodeDirectory(node)
        var network = EtcdConfigRenderer.networkConfiguration(spec: spec, node: node, directory: directory)
        var tls: NodeTLSFiles?
        if spec.tlsEnabled {
            let pki = ClusterPKI(directory: layout.pkiDirectory)
            guard pki.isComplete(for: spec) else {
                throw DeployError(.pki, "TLS is on but the certificates in \(layout.pkiDirectory.path) are missing; run `headnet up` (it creates them) or `headnet generate`")
            }
            tls = pki.files(for: node)
            network.clientTLS = pki.clientTLS
        }
        let file = layout.etcdConfigFile(node)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try EtcdConfigRenderer.render(spec: spec, node: node, directory: directory, tls: tls).write(to: file, atomically: true, encoding: .utf8)
        } catch {
            throw DeployError(.io, "cannot write \(file.path)", cause: error)
        }
        network.etcdConfigFile = file
        return network
    }
}
