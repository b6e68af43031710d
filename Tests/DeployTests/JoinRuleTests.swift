import ClusterSpec
import Foundation
import HeadnetCore
import HeadNetwork
import Testing

@testable import Deploy

/// Whether a node's etcd joins the running cluster (`existing`) or founds one (`new`), decided in
/// one place (``EtcdNetworkConfiguration/joinsExistingCluster(founder:persistenceDirectory:environment:)``): a
/// founder founds, unless its state directory holds the `join-existing` marker (it was removed and
/// added back) or its environment says `ETCD_INITIAL_CLUSTER_STATE=existing` (Hydra's way).
@Suite struct JoinRuleTests {
    let spec = ClusterSpec(name: "join", nodes: (0..<3).map { NodeSpec(name: ["alice", "bob", "carol"][$0], listen: Address(host: "127.0.0.1", port: 5001 + $0)) })

    /// A fresh state root, deleted after `body`.
    func withLayout(_ body: (StateLayout) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-join-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try body(StateLayout(spec: spec, root: root))
    }

    func joins(_ spec: ClusterSpec, _ node: NodeSpec, _ directory: URL) -> Bool {
        EtcdConfigRenderer.networkConfiguration(spec: spec, node: node, directory: directory, environment: [:]).joinsExistingCluster
    }

    func state(_ spec: ClusterSpec, _ node: NodeSpec, _ directory: URL, _ environment: [String: String] = [:]) -> String? {
        EtcdConfigRenderer.render(spec: spec, node: node, directory: directory, tls: nil, environment: environment)
            .split(separator: "\n").first { $0.hasPrefix("initial-cluster-state: ") }.map { String($0.dropFirst("initial-cluster-state: ".count)) }
    }

    @Test func aFounderFoundsUnlessMarkedOrToldByItsEnvironment() throws {
        try withLayout { layout in
            let carol = spec.nodes[2]
            let directory = layout.nodeDirectory(carol)
            #expect(!joins(spec, carol, directory))
            #expect(state(spec, carol, directory) == "new")
            #expect(state(spec, carol, directory, ["ETCD_INITIAL_CLUSTER_STATE": "existing"]) == "existing", "Hydra's environment variable")
            #expect(state(spec, carol, directory, ["ETCD_INITIAL_CLUSTER_STATE": "new"]) == "new")

            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data().write(to: directory.appendingPathComponent(NodeStateFiles.joinExisting))
            #expect(joins(spec, carol, directory))
            #expect(state(spec, carol, directory) == "existing", "a founder removed and added back joins")
            #expect(state(spec, spec.nodes[0], layout.nodeDirectory(spec.nodes[0])) == "new", "the marker is carol's only")
        }
    }

    @Test func aNodeAddedAfterTheFoundersJoinsWithoutAMarker() throws {
        let grown = try spec.addingMember(NodeSpec(name: "dave", listen: Address(host: "127.0.0.1", port: 5004)))
        let dave = grown.nodes[3]
        #expect(joins(grown, dave, URL(fileURLWithPath: "/nowhere/dave")))
        #expect(state(grown, dave, URL(fileURLWithPath: "/nowhere/dave")) == "existing")
    }

    /// The node keeps the marker until its etcd data holds a member, then deletes it: a later
    /// restart goes by the data, and a marker left behind cannot make a founder join a cluster
    /// that is founded anew.
    @Test func theNodeDeletesTheMarkerOnceItsEtcdHoldsAMember() throws {
        try withLayout { layout in
            let carol = spec.nodes[2]
            let marker = layout.nodeDirectory(carol).appendingPathComponent(NodeStateFiles.joinExisting)
            try FileManager.default.createDirectory(at: layout.nodeDirectory(carol), withIntermediateDirectories: true)
            try Data().write(to: marker)

            let joining = try NodePreparation.prepare(spec: spec, node: carol, layout: layout, environment: [:])
            #expect(joining.joinsExistingCluster && FileManager.default.fileExists(atPath: marker.path), "kept while the data directory is empty")
            #expect(try String(contentsOf: layout.etcdConfigFile(carol), encoding: .utf8).contains("initial-cluster-state: existing"))

            let member = EtcdProcess(configuration: joining).dataDirectory.appendingPathComponent("member")
            try FileManager.default.createDirectory(at: member, withIntermediateDirectories: true)
            let joined = try NodePreparation.prepare(spec: spec, node: carol, layout: layout, environment: [:])
            #expect(!FileManager.default.fileExists(atPath: marker.path) && !joined.joinsExistingCluster)
            #expect(EtcdProcess(configuration: joined).initialClusterState == "existing", "its data decides from now on")
        }
    }

    /// A node of Hydra's flags (no spec, every node a founder) follows the same rule; the variable
    /// goes onto etcd's command line and not into its environment, where etcd 3.4 would refuse
    /// it as shadowing the `--initial-cluster-state` flag.
    @Test func hydrasVariableMovesOntoTheCommandLine() {
        var configuration = EtcdNetworkConfiguration(
            persistenceDirectory: URL(fileURLWithPath: "/nowhere/alice"), listen: Address(host: "127.0.0.1", port: 5001), peers: [], protocolVersion: 2)
        let variable = ["ETCD_INITIAL_CLUSTER_STATE": "existing"]
        configuration.joinsExistingCluster = EtcdNetworkConfiguration.joinsExistingCluster(
            founder: true, persistenceDirectory: configuration.persistenceDirectory, environment: variable)
        let etcd = EtcdProcess(configuration: configuration)
        #expect(etcd.arguments.split(separator: "--initial-cluster-state").last?.first == "existing")
        #expect(etcd.environment(base: variable)["ETCD_INITIAL_CLUSTER_STATE"] == nil)
        #expect(!EtcdNetworkConfiguration.joinsExistingCluster(founder: true, persistenceDirectory: configuration.persistenceDirectory, environment: [:]))
    }
}
