import ClusterSpec
import EtcdTesting
import Foundation
import NodeAPIModel
import Processes
import Testing

@testable import Orchestrator

/// A cluster whose nodes each run in a network namespace (``NamespaceHost``), brought up by the
/// ordinary `up` plan, and a partition of one follower (as root; skipped, saying why, elsewhere).
@Suite(.serialized, .enabled("needs root, iproute2 and network namespaces", { await NamespaceSupport.supported }))
struct NamespaceClusterTests {
    @Test func comesUpDeliversEverywhereAndKeepsDeliveringWithAFollowerPartitioned() async throws {
        let headnet = try BuiltExecutable.path("headnet")
        try await NamespaceSupport.withNetwork(["alice", "bob", "carol"]) { network in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-netns-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let specPath = directory.appendingPathComponent("netns.yaml").path
            let hosts = network.members.map { "  - {name: ns-\($0.node), address: \($0.address), namespace: \($0.namespace)}" }
            let nodes = network.members.enumerated().map { "  - {name: \($1.node), listen: \($1.address):\(5001 + $0), host: ns-\($1.node)}" }
            try """
                apiVersion: headnet/v1
                name: netns
                tls: off
                etcd: {heartbeatMs: 50, electionMs: 500}
                hosts:
                \(hosts.joined(separator: "\n"))
                nodes:
                \(nodes.joined(separator: "\n"))
                """.write(toFile: specPath, atomically: true, encoding: .utf8)
            let spec = try SpecReader.load(path: specPath)
            let runner = LocalClusterRunner(spec: spec, specPath: specPath, stateRoot: directory.appendingPathComponent("state"), executable: headnet)
            #expect(runner.roles.host(of: spec.nodes[0]) is NamespaceHost)
            #expect(spec.clientURL(of: spec.nodes[1]) == "http://\(network.members[1].address):\(spec.nodes[1].clientPort)")
            let orchestrator = Orchestrator(runner: runner.roles)
            do {
                let up = await orchestrator.up(timeoutSeconds: 120) { _ in }
                let log = await runner.roles.failureDetails(spec.nodes[0]).joined(separator: "\n")
                try #require(up.succeeded, "failed at \(String(describing: up.failedStep)); \(log)")
                for (node, seen) in zip(network.members, await runner.roles.processes()) {
                    let pid = try #require(seen.runningPID, "\(node.node) runs")
                    #expect(Self.networkNamespace(of: pid) == Self.networkNamespace(named: node.namespace), "\(node.node) runs in \(node.namespace)")
                }
                try await Self.broadcast("first", through: spec.nodes[0], runner: runner, deliveredOn: spec.nodes)

                let leader = try #require(await runner.roles.reader.leader(among: spec.nodes))
                let follower = try #require(spec.nodes.first { $0.name != leader })
                let others = spec.nodes.filter { $0.name != follower.name }
                try await network.apply(.partition, to: follower.name, peerPorts: spec.nodes.map(\.listen.port), ownPeerPort: follower.listen.port)
                // Cut off from its peers, its etcd loses the leader (it answers from here: the
                // client port is not cut); the others keep delivering.
                try await eventually("\(follower.name)'s etcd losing its leader", timeout: .seconds(20)) {
                    (try? await runner.roles.reader.member(of: follower))?.leaderID == 0
                }
                try await Self.broadcast("during", through: others[0], runner: runner, deliveredOn: others)
                #expect(await runner.api(for: follower).status() != nil, "the partitioned node's API still answers from here")

                await network.heal(follower.name)
                try await Self.broadcast("after", through: others[0], runner: runner, deliveredOn: spec.nodes)
            } catch {
                _ = await orchestrator.down { _ in }
                throw error
            }
            let down = await orchestrator.down { _ in }
            #expect(down.succeeded)
        }
    }

    /// The inode of `pid`'s network namespace (`stat` follows `/proc/<pid>/ns/net`).
    static func networkNamespace(of pid: Int32) -> UInt? { inode("/proc/\(pid)/ns/net") }

    /// The inode of the network namespace `ip netns` calls `name`.
    static func networkNamespace(named name: String) -> UInt? { inode("/run/netns/\(name)") }

    static func inode(_ path: String) -> UInt? {
        var status = stat()
        return stat(path, &status) == 0 ? UInt(status.st_ino) : nil
    }

    /// Broadcasts `text` through `node` and waits until each of `nodes` has delivered it.
    static func broadcast(_ text: String, through node: NodeSpec, runner: LocalClusterRunner, deliveredOn nodes: [NodeSpec]) async throws {
        try await runner.broadcast(Data(text.utf8), through: node)
        for node in nodes {
            try await eventually("\(node.name) delivered '\(text)'") {
                let journal = (try? await runner.api(for: node).messages(after: 0)) ?? Data()
                return JournalLine.decodeAll(journal).contains { $0.payloadBytes == Array(text.utf8) }
            }
        }
    }
}
