import ClusterSpec
import Foundation
import HeadnetCore
import HeadNetwork
import Testing

@testable import Deploy

/// The config files of a cluster whose members changed: founders keep their data directories,
/// a node added later joins.
@Suite struct EtcdConfigMembershipTests {
    let spec = ClusterSpec(name: "grow", nodes: (0..<3).map { NodeSpec(name: ["alice", "bob", "carol"][$0], listen: Address(host: "127.0.0.1", port: 5001 + $0)) })

    func line(_ key: String, _ text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix("\(key): ") }.map(String.init)
    }

    func render(_ spec: ClusterSpec, _ name: String) -> String {
        let node = spec.nodes.first { $0.name == name }!
        return EtcdConfigRenderer.render(spec: spec, node: node, directory: URL(fileURLWithPath: "/state/\(name)"), tls: nil)
    }

    @Test func foundersKeepTheirDataDirectoryAndANewNodeJoins() throws {
        let grown = try spec.addingMember(NodeSpec(name: "dave", listen: Address(host: "127.0.0.1", port: 5004)))
        for name in ["alice", "bob", "carol"] {
            #expect(line("data-dir", render(grown, name)) == line("data-dir", render(spec, name)), "\(name)'s data directory must not move")
            #expect(line("initial-cluster-state", render(grown, name)) == "initial-cluster-state: new")
        }
        let dave = render(grown, "dave")
        #expect(line("initial-cluster-state", dave) == "initial-cluster-state: existing")
        #expect(line("initial-cluster", dave)
            == "initial-cluster: '127.0.0.1:5004=http://127.0.0.1:5004,127.0.0.1:5001=http://127.0.0.1:5001,127.0.0.1:5002=http://127.0.0.1:5002,127.0.0.1:5003=http://127.0.0.1:5003'")
        let network = EtcdConfigRenderer.networkConfiguration(spec: grown, node: grown.nodes[3], directory: URL(fileURLWithPath: "/state/dave"))
        #expect(network.joinsExistingCluster && network.founders?.count == 3)

        let shrunk = try grown.removingMember(named: "alice")
        #expect(line("data-dir", render(shrunk, "bob")) == line("data-dir", render(spec, "bob")))
        #expect(line("data-dir", render(shrunk, "dave")) == line("data-dir", dave))
    }

    @Test func aSpecWithoutInitialClusterRendersAsBefore() {
        let network = EtcdConfigRenderer.networkConfiguration(spec: spec, node: spec.nodes[0], directory: URL(fileURLWithPath: "/state/alice"))
        #expect(network.founders == nil && !network.joinsExistingCluster)
    }
}
