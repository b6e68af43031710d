import ClusterSpec
import Foundation
import HeadnetCore
import Orchestrator

/// The network of a drill with network faults: each node of the drill's cluster in a network
/// namespace of its own (``Orchestrator/NamespaceNetwork``), and the spec its nodes run with —
/// the drill's, each node listening on its namespace's address (same ports) and placed on a
/// `hosts:` entry naming the namespace.
public struct DrillNetwork: Sendable {
    /// The namespaces.
    public let network: NamespaceNetwork
    /// The spec the nodes run with.
    public let spec: ClusterSpec

    /// Creates the namespaces for `spec`'s nodes and the spec that places them there. TLS
    /// `auto` is taken as off: the namespaces' addresses are not loopback but never leave
    /// this machine.
    ///
    /// - Throws: ``Orchestrator/OrchestratorError`` `unsupported` (not root, no iproute2, …) or
    ///   `network`.
    public static func create(for spec: ClusterSpec) async throws -> DrillNetwork {
        let network = try await NamespaceNetwork.create(prefix: "hd", nodes: spec.nodes.map(\.name))
        var placed = spec
        if placed.tls == .auto { placed.tls = .off }
        placed.hosts = network.members.map { HostSpec(name: "ns-\($0.node)", address: $0.address, namespace: $0.namespace) }
        placed.nodes = zip(spec.nodes, network.members).map { node, member in
            NodeSpec(name: node.name, listen: Address(host: member.address, port: node.listen.port), host: "ns-\(node.name)", apiPort: node.apiPort)
        }
        return DrillNetwork(network: network, spec: placed)
    }

    /// Puts `fault` on `node`'s peer traffic.
    public func apply(_ fault: NetworkFault, to node: NodeSpec) async throws {
        try await network.apply(fault, to: node.name, peerPorts: spec.nodes.map(\.listen.port), ownPeerPort: node.listen.port)
    }

    /// Takes the namespaces down.
    public func destroy() async { await network.destroy() }

    /// The fault a drill step puts on, nil for steps that are not network faults.
    public static func fault(of action: DrillAction) -> NetworkFault? {
        switch action {
        case .partition: .partition
        case .delay(_, let milliseconds, let jitter): .delay(milliseconds: milliseconds, jitter: jitter)
        case .loss(_, let percent): .loss(percent: percent)
        case .reorder(_, let percent, let milliseconds): .reorder(percent: percent, milliseconds: milliseconds)
        default: nil
        }
    }
}
