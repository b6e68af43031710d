import ClusterSpec
import Crypto
import Deploy
import Foundation
import HeadnetCore
import Testing

@testable import Orchestrator

/// `snapshot save`, `snapshot restore` and `defrag` decide from values: checked without
/// processes or etcd.
@Suite struct MaintenancePlannerTests {
    let threeUp = [
        MemberReading(node: "alice", leads: false, revision: 40, dbSize: 300, dbSizeInUse: 100),
        MemberReading(node: "bob", leads: true, revision: 41, dbSize: 200, dbSizeInUse: 100),
        MemberReading(node: "carol", leads: false, revision: 41, dbSize: 100, dbSizeInUse: 100),
    ]

    /// The error `body` throws; nil when it throws none (or not an ``OrchestratorError``).
    func error(_ body: () throws -> Void) -> OrchestratorError? {
        do {
            try body()
            return nil
        } catch {
            return error as? OrchestratorError
        }
    }

    // MARK: snapshot save

    @Test func snapshotSaveTakesTheLeaderByDefault() throws {
        let source = try SnapshotPlanner.source(threeUp, spec: "s.yaml")
        #expect(source.member.node == "bob" && source.why == "the leader")
        // Also when a follower is down.
        let oneDown = [MemberReading(node: "alice", error: "connection refused")] + threeUp.dropFirst()
        #expect(try SnapshotPlanner.source(oneDown, spec: "s.yaml").member.node == "bob")
    }

    @Test func snapshotSaveTakesANamedMemberThatAnswers() throws {
        #expect(try SnapshotPlanner.source(threeUp, node: "carol", spec: "s.yaml").member.node == "carol")
        // Without a leader (quorum lost) a named member is taken anyway, and the output says so.
        let alone = [MemberReading(node: "alice", leads: false, hasLeader: false), MemberReading(node: "bob", error: "refused")]
        let source = try SnapshotPlanner.source(alone, node: "alice", spec: "s.yaml")
        #expect(source.member.node == "alice" && source.why.contains("NO LEADER"))
    }

    @Test func snapshotSaveRefusesWhatItCannotTrust() {
        let down = [MemberReading(node: "alice", error: "connection refused")] + threeUp.dropFirst()
        let named = error { _ = try SnapshotPlanner.source(down, node: "alice", spec: "s.yaml") }
        #expect(named?.code == .etcd && named?.message.contains("alice's etcd does not answer (connection refused)") == true)
        #expect(named?.message.contains("headnet up -f s.yaml") == true)

        let leaderless = threeUp.map { MemberReading(node: $0.node, leads: false, hasLeader: false) }
        let noLeader = error { _ = try SnapshotPlanner.source(leaderless, spec: "s.yaml") }
        #expect(noLeader?.code == .etcd && noLeader?.message.contains("no member leads") == true && noLeader?.message.contains("--node") == true)

        let silent = threeUp.map { MemberReading(node: $0.node, error: "refused") }
        let none = error { _ = try SnapshotPlanner.source(silent, spec: "s.yaml") }
        #expect(none?.code == .etcd && none?.message.contains("no etcd member of the cluster answers") == true)

        #expect(error { _ = try SnapshotPlanner.source(threeUp, node: "dave", spec: "s.yaml") }?.code == .unknownNode)
    }

    // MARK: defrag

    @Test func defragGoesOneMemberAtATimeTheLeaderLast() throws {
        #expect(try DefragPlanner.order(threeUp, spec: "s.yaml").map(\.node) == ["alice", "carol", "bob"])
        let aliceLeads = threeUp.map { MemberReading(node: $0.node, leads: $0.node == "alice") }
        #expect(try DefragPlanner.order(aliceLeads, spec: "s.yaml").map(\.node) == ["bob", "carol", "alice"])
    }

    @Test func defragRefusesUnlessEveryMemberAnswersAndOneLeads() {
        let down = threeUp.prefix(2) + [MemberReading(node: "carol", error: "connection refused")]
        let refused = error { _ = try DefragPlanner.order(Array(down), spec: "s.yaml") }
        #expect(refused?.code == .etcd && refused?.message.contains("carol: connection refused") == true)
        #expect(refused?.message.contains("nothing was defragmented") == true)

        let leaderless = threeUp.map { MemberReading(node: $0.node, leads: false, hasLeader: false) }
        #expect(error { _ = try DefragPlanner.order(leaderless, spec: "s.yaml") }?.message.contains("no member leads") == true)
    }

    // MARK: restore

    func spec(tls: Bool) -> ClusterSpec {
        var spec = ClusterSpec(
            name: "backup", nodes: ["alice", "bob", "carol"].enumerated().map { NodeSpec(name: $1, listen: Address(host: "127.0.0.1", port: 7001 + $0)) })
        spec.tls = tls ? .on : .off
        return spec
    }

    let layout = { (spec: ClusterSpec) in StateLayout(spec: spec, root: URL(fileURLWithPath: "/p/.headnet")) }

    @Test func restoreRefusesWhileAnythingOfTheClusterRuns() {
        let spec = spec(tls: false)
        let states = [RestorePlanner.NodeState(node: "alice"), RestorePlanner.NodeState(node: "bob", pids: [42, 43]), RestorePlanner.NodeState(node: "carol")]
        let refused = error { _ = try RestorePlanner.plan(spec: spec, layout: layout(spec), snapshot: "/b.db", states: states, specArgument: "s.yaml") }
        #expect(refused?.code == .running)
        #expect(refused?.message.contains("bob (pid 42, 43)") == true && refused?.message.contains("headnet down --purge -f s.yaml") == true)
    }

    @Test func restoreRefusesNodesWithState() {
        let spec = spec(tls: false)
        let states = [
            RestorePlanner.NodeState(node: "alice", state: ["etcd data in /p/.headnet/backup/alice/etcd/ab"]),
            RestorePlanner.NodeState(node: "bob", state: ["last-known-revision", "delivered.ndjson"]), RestorePlanner.NodeState(node: "carol"),
        ]
        let refused = error { _ = try RestorePlanner.plan(spec: spec, layout: layout(spec), snapshot: "/b.db", states: states, specArgument: "s.yaml") }
        #expect(refused?.code == .state)
        #expect(refused?.message.contains("alice: etcd data in") == true && refused?.message.contains("bob: last-known-revision, delivered.ndjson") == true)
        #expect(refused?.message.contains("headnet down --purge -f s.yaml") == true)
    }

    /// Each restore makes the member the node's etcd config file describes, in the data
    /// directory it names: checked line by line against the rendered file.
    @Test(arguments: [false, true]) func restoreMatchesWhatTheNodesEtcdIsStartedWith(tls: Bool) throws {
        let spec = spec(tls: tls)
        let states = spec.nodes.map { RestorePlanner.NodeState(node: $0.name) }
        let restores = try RestorePlanner.plan(spec: spec, layout: layout(spec), snapshot: "/b/backup.db", states: states, specArgument: "s.yaml")
        #expect(restores.map(\.node) == ["alice", "bob", "carol"])
        let files = NodeTLSFiles(caFile: "ca", serverCertFile: "s", serverKeyFile: "sk", peerCertFile: "p", peerKeyFile: "pk")
        for (node, restore) in zip(spec.nodes, restores) {
            let config = EtcdConfigRenderer.render(spec: spec, node: node, directory: layout(spec).nodeDirectory(node), tls: tls ? files : nil)
            func value(_ key: String) throws -> String {
                let line = try #require(config.split(separator: "\n").first { $0.hasPrefix("\(key): ") }, "\(key) in \(config)")
                return String(line.dropFirst(key.count + 2)).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
            }
            func flag(_ name: String) -> String? {
                restore.arguments.firstIndex(of: name).map { restore.arguments[$0 + 1] }
            }
            let (name, dataDirectory, initialCluster, token, peerURL) = (
                try value("name"), try value("data-dir"), try value("initial-cluster"), try value("initial-cluster-token"),
                try value("initial-advertise-peer-urls"))
            #expect(Array(restore.arguments.prefix(3)) == ["snapshot", "restore", "/b/backup.db"])
            #expect(flag("--name") == name && restore.member == name)
            #expect(restore.dataDirectory == dataDirectory)
            #expect(restore.dataDirectory.hasPrefix("/p/.headnet/backup/\(node.name)/etcd/"))
            #expect(flag("--data-dir") == restore.dataDirectory + ".restoring" && restore.stagingDirectory == restore.dataDirectory + ".restoring")
            #expect(flag("--initial-cluster") == initialCluster)
            #expect(flag("--initial-cluster-token") == token && token == "hydra-network-1")
            #expect(flag("--initial-advertise-peer-urls") == peerURL)
            #expect(flag("--initial-advertise-peer-urls")?.hasPrefix(tls ? "https://" : "http://") == true)
        }
        #expect(Set(restores.map(\.dataDirectory)).count == 3)
    }

    // MARK: snapshot file

    @Test func aSnapshotEndsWithTheSHA256OfItsDatabase() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-snapfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = (0..<(3 * 4096)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let file = directory.appendingPathComponent("s.db")
        try Data(database + Array(SHA256.hash(data: database))).write(to: file)
        let whole = try SnapshotFile(path: file.path).check()
        #expect(whole.ok && whole.size == 3 * 4096 + 32 && whole.expected.count == 64)

        // One byte changed after the digest was taken.
        var damaged = try Data(contentsOf: file)
        damaged[5000] ^= 0xff
        try damaged.write(to: file)
        let check = try SnapshotFile(path: file.path).check()
        #expect(!check.ok && check.expected != check.actual)

        // A database copied from a data directory has no digest.
        try Data(database).write(to: file)
        #expect(error { _ = try SnapshotFile(path: file.path).check() }?.code == .snapshot)
        #expect(error { _ = try SnapshotFile(path: directory.appendingPathComponent("none.db").path).check() }?.code == .snapshot)
    }

    @Test func etcdctlsRuleForADigest() {
        #expect(SnapshotFile.hasDigest(size: 20480 + 32))
        #expect(!SnapshotFile.hasDigest(size: 20480))
        #expect(!SnapshotFile.hasDigest(size: 32))
        #expect(!SnapshotFile.hasDigest(size: 20480 + 31))
    }
}
