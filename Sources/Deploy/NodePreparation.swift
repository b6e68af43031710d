import ClusterSpec
import EtcdClient
import Foundation
import HeadNetwork
import HeadnetCore

/// Turns a spec's node into the network component's configuration, writing its etcd config file.
public enum NodePreparation {
    /// Writes `<state>/<node>/etcd.conf.yml` and returns the configuration that runs etcd with
    /// it (with client TLS when the cluster has TLS on). `environment` is the node's
    /// (`ETCD_INITIAL_CLUSTER_STATE`: ``HeadNetwork/EtcdNetworkConfiguration/joinsExistingCluster(founder:persistenceDirectory:environment:)``).
    /// A `join-existing` marker is deleted once the node's etcd data holds a member: it has
    /// joined, and restarts from its data.
    ///
    /// - Throws: ``DeployError`` when TLS is on and the cluster's certificates are missing.
    public static func prepare(
        spec: ClusterSpec, node: NodeSpec, layout: StateLayout, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> EtcdNetworkConfiguration {
        let directory = layout.nodeDirectory(node)
        let marker = directory.appendingPathComponent(NodeStateFiles.joinExisting)
        if EtcdProcess(configuration: EtcdConfigRenderer.networkConfiguration(spec: spec, node: node, directory: directory)).hasExistingMember {
            try? FileManager.default.removeItem(at: marker)
        }
        var network = EtcdConfigRenderer.networkConfiguration(spec: spec, node: node, directory: directory, environment: environment)
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
            try EtcdConfigRenderer.render(spec: spec, node: node, directory: directory, tls: tls, environment: environment).write(to: file, atomically: true, encoding: .utf8)
        } catch {
            throw DeployError(.io, "cannot write \(file.path)", cause: error)
        }
        network.etcdConfigFile = file
        return network
    }
}
