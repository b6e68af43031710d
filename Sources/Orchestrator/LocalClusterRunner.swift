import ClusterSpec
import Deploy
import Foundation
import Processes

/// The cluster as seen from this machine: its nodes run here (``LocalHost``), its control
/// plane is here (``LocalControlPlane``), nodes are read through their endpoints
/// (``EndpointReader``) and members changed through etcd (``EtcdMembership``). ``roles`` is the
/// ``ClusterRunner`` plans run on; the rest serves the commands that read the cluster here.
public struct LocalClusterRunner: Sendable {
    /// The cluster.
    public let spec: ClusterSpec
    /// Where its state lives.
    public let layout: StateLayout
    /// This machine, where the nodes run.
    public let nodes: LocalHost
    /// The spec file as the user named it, for the commands suggested on failure.
    public let specArgument: String

    /// Creates a runner for `spec` read from `specPath`, with state under `stateRoot` (default:
    /// where the spec says, ``Deploy/StateLayout/defaultRoot(forSpecAt:)``); the nodes it starts
    /// get `nodeEnvironment[name]` added to their environment (``LocalHost/nodeEnvironment``).
    public init(
        spec: ClusterSpec, specPath: String, stateRoot: URL? = nil, executable: String = ProcessControl.currentExecutable(),
        nodeEnvironment: [String: [String: String]] = [:]
    ) {
        self.spec = spec
        self.layout = StateLayout(
            spec: spec, root: stateRoot.map { URL(fileURLWithPath: CanonicalPath.of($0.path)) } ?? StateLayout.defaultRoot(forSpecAt: specPath))
        self.nodes = LocalHost(layout: layout, specPath: specPath, executable: executable, nodeEnvironment: nodeEnvironment)
        self.specArgument = specPath
    }

    /// The roles plans run on: every host of the spec on this machine is ``nodes``, a host
    /// with a network namespace a ``NamespaceHost`` around it.
    public var roles: ClusterRunner {
        let here = spec.hosts.filter(\.isThisMachine).map(\.name) + [HostSpec.local.name]
        var hosts = Dictionary(here.map { ($0, nodes as any NodeHost) }, uniquingKeysWith: { first, _ in first })
        for host in spec.hosts {
            if let namespace = host.namespace { hosts[host.name] = NamespaceHost(local: nodes, namespace: namespace) }
        }
        return ClusterRunner(
            control: control, reader: EndpointReader(etcd: etcd, api: api(for:)), membership: EtcdMembership(spec: spec, etcd: etcd), hosts: hosts)
    }

    /// The spec, PKI and state files here.
    public var control: LocalControlPlane {
        LocalControlPlane(spec: spec, layout: layout, specPath: nodes.specPath, specArgument: specArgument, host: nodes)
    }

    /// The etcd probe with the cluster's client TLS.
    public var etcd: EtcdProbe {
        EtcdProbe(tls: spec.tlsEnabled ? ClusterPKI(directory: layout.pkiDirectory).clientTLS : nil) { [spec] in spec.reachableHost(of: $0) }
    }

    /// Each node's processes (pid file, command lines, leftover etcd, held stopped), without
    /// asking etcd who leads: what to show or check once a plan has run.
    public func processes(_ scan: ClusterProcesses? = nil) -> [ClusterObservation.Node] {
        let control = control
        return zip(spec.nodes, nodes.processes(of: spec.nodes, scan: scan ?? nodes.scan())).map { node, seen in
            var seen = seen
            seen.held = control.isHeld(node)
            return seen
        }
    }

    /// The cluster's certificates and their rotation.
    public var rotation: CertificateRotation { control.rotation }

    /// Refuses when a node of the spec is on a host other than this machine
    /// (``ClusterSpec/ClusterSpec/remoteNodes``): this runner starts nodes here only. Commands
    /// that start nodes (`up`, `restart`, `member add`, `certs rotate`) call it before they do
    /// anything.
    ///
    /// - Throws: ``OrchestratorError`` `unsupported`, naming each such node and its host.
    public func requireNodesOnThisMachine() throws(OrchestratorError) {
        let remote = spec.remoteNodes
        guard remote.isEmpty else { throw UnreachableHost.refusal(remote.map { ($0.node.name, $0.host) }) }
    }

    /// Refuses when another cluster's etcd holds a node's etcd client port (a second checkout of
    /// the same spec, say): commands that change etcd must not reach the wrong cluster.
    ///
    /// - Throws: ``OrchestratorError`` `wrongCluster`, naming the holder.
    public func checkClientPortsAreOurs() throws {
        let scan = nodes.scan()
        for node in spec.nodes {
            try ClusterStatus.checkClientPortHolder(node, ours: scan.etcds[node.name, default: []], runner: self)
        }
    }
}
