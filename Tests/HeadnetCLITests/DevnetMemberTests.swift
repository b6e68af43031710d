import EtcdTesting
import Foundation
import Processes
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `headnet member add | remove | list` (issue 12) through the real binary, on a real devnet.
extension DevnetCommandTests {
    /// The rows of `member list --json`.
    func members(_ cluster: Cluster) async throws -> [[String: Any]] {
        let list = try await cluster.headnet("member", "list", "--json", "-f", cluster.spec)
        try #require(list.status.isSuccess, "\(list.output)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [String: Any], "\(list.output)")
        return try #require(document["members"] as? [[String: Any]], "\(list.output)")
    }

    @Test func aLearnerJoinsWithTheWholeHistoryAndMembersGoAgainWhileQuorumHolds() async throws {
        try await Self.withCluster(tls: false) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            let before = (1...3).map { "before-\($0)" }
            for payload in before { #expect(try await cluster.headnet("broadcast", "alice", payload, "-f", cluster.spec).status.isSuccess) }
            _ = try await cluster.payloads(of: "carol") { Set(before).isSubset(of: $0) }
            let aliceData = cluster.directory.appendingPathComponent(".headnet/test/alice/etcd")
            let aliceDataDirs = try FileManager.default.contentsOfDirectory(atPath: aliceData.path)

            // 3 → 4: dave joins as a learner, is promoted once caught up, and becomes ready.
            let listen = try Ports.pickFree(1, offsets: [2622])[0]
            let api = try Ports.pickFree(1)[0]
            let add = try await cluster.headnet("member", "add", "dave", "--listen", "127.0.0.1:\(listen)", "--api", "\(api)", "--learner", "-f", cluster.spec)
            try #require(add.status.isSuccess, "\(add.output)")
            for line in ["as a learner (ID ", "✓ wrote dave into", "✓ started dave", "✓ dave's etcd caught up", "✓ promoted dave to a voting member", "✓ dave ready"] {
                #expect(add.output.contains(line), "\(line): \(add.output)")
            }
            let spec = try String(contentsOf: cluster.directory.appendingPathComponent(cluster.spec), encoding: .utf8)
            #expect(spec.contains("initialCluster: [alice=127.0.0.1:\(cluster.listens[0]), bob=") && spec.contains("{name: dave, listen: 127.0.0.1:\(listen), api: \(api)}"), "\(spec)")
            var rows = try await members(cluster)
            #expect(rows.count == 4, "\(rows)")
            #expect(rows.allSatisfy { $0["learner"] as? Bool == false && $0["running"] as? Bool == true && $0["memberID"] is String }, "\(rows)")
            #expect(rows.filter { $0["leader"] as? Bool == true }.count == 1, "\(rows)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: aliceData.path) == aliceDataDirs, "alice's etcd data directory did not move")

            // dave's journal holds everything broadcast before and after it joined, once each.
            let after = (1...3).map { "after-\($0)" }
            for payload in after { #expect(try await cluster.headnet("broadcast", "bob", payload, "-f", cluster.spec).status.isSuccess) }
            #expect(try await cluster.headnet("broadcast", "dave", "from-dave", "-f", cluster.spec).status.isSuccess)
            let everything = before + after + ["from-dave"]
            let daves = try await cluster.payloads(of: "dave") { Set(everything).isSubset(of: $0) }
            #expect(daves.sorted() == everything.sorted(), "dave delivered the whole history exactly once: \(daves)")
            let alices = try await cluster.payloads(of: "alice") { $0.contains("from-dave") }
            #expect(alices.contains("from-dave"))
            var status = try await cluster.headnet("status", "-f", cluster.spec)
            #expect(status.status.isSuccess && status.output.contains("4/4 members up, quorum 3: ok"), "\(status.output)")

            // 4 → 3: dave goes; its etcd data with it, its journal stays.
            let remove = try await cluster.headnet("member", "remove", "dave", "-f", cluster.spec)
            try #require(remove.status.isSuccess, "\(remove.output)")
            for line in ["✓ stopped dave (pid ", "✓ removed dave (ID ", "✓ took dave out of", "✓ removed dave's etcd data"] {
                #expect(remove.output.contains(line), "\(line): \(remove.output)")
            }
            rows = try await members(cluster)
            #expect(rows.map { $0["name"] as? String } == ["alice", "bob", "carol"], "\(rows)")
            let dave = cluster.directory.appendingPathComponent(".headnet/test/dave")
            #expect(!FileManager.default.fileExists(atPath: dave.appendingPathComponent("etcd").path))
            #expect(FileManager.default.fileExists(atPath: dave.appendingPathComponent("delivered.ndjson").path))
            #expect(try await !Command.run("pgrep", ["-f", dave.path]).status.isSuccess, "nothing of dave runs")
            status = try await cluster.headnet("status", "-f", cluster.spec)
            #expect(status.status.isSuccess && status.output.contains("3/3 members up, quorum 2: ok"), "\(status.output)")

            // 3 → 2, then bob stops: removing either member would need a quorum there is not.
            #expect(try await cluster.headnet("member", "remove", "carol", "-f", cluster.spec).status.isSuccess)
            let bobPID = try #require(Int32(try String(
                contentsOf: cluster.directory.appendingPathComponent(".headnet/test/bob/node.pid"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            kill(bobPID, SIGTERM)
            #expect(await ProcessControl.waitForExit(bobPID, timeout: .seconds(20)))
            for name in ["alice", "bob"] {
                let refused = try await cluster.headnet("member", "remove", name, "-f", cluster.spec)
                #expect(refused.status == .exited(1), "\(name): \(refused.output)")
                #expect(refused.output.contains("Error: the cluster has no quorum: 1 of 2 voting members up, 2 needed (down: bob)"),
                        "\(name): \(refused.output)")
                #expect(!refused.output.contains("Usage"))
            }
            let kept = try String(contentsOf: cluster.directory.appendingPathComponent(cluster.spec), encoding: .utf8)
            #expect(kept.contains("name: alice") && kept.contains("name: bob") && !kept.contains("name: carol"), "\(kept)")
        }
    }

    @Test func aPurgedClusterWithAnAddedMemberComesUpAsANewCluster() async throws {
        try await Self.withCluster(tls: false) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            let listen = try Ports.pickFree(1, offsets: [2622])[0]
            let api = try Ports.pickFree(1)[0]
            let add = try await cluster.headnet("member", "add", "dave", "--listen", "127.0.0.1:\(listen)", "--api", "\(api)", "-f", cluster.spec)
            try #require(add.status.isSuccess, "\(add.output)")
            let down = try await cluster.headnet("down", "--purge", "-f", cluster.spec)
            try #require(down.status.isSuccess, "\(down.output)")
            #expect(down.output.contains("✓ dropped initialCluster from"), "\(down.output)")
            let spec = try String(contentsOf: cluster.directory.appendingPathComponent(cluster.spec), encoding: .utf8)
            #expect(!spec.contains("initialCluster") && spec.contains("name: dave"), "\(spec)")
            // Without the founders, every node (dave too) founds the new cluster.
            let up = try await cluster.headnet("up", "-f", cluster.spec)
            try #require(up.status.isSuccess, "\(up.output)")
            #expect(try await cluster.headnet("broadcast", "dave", "fresh", "-f", cluster.spec).status.isSuccess)
            let alices = try await cluster.payloads(of: "alice") { $0 == ["fresh"] }
            #expect(alices == ["fresh"])
            let status = try await cluster.headnet("status", "-f", cluster.spec)
            #expect(status.status.isSuccess && status.output.contains("4/4 members up, quorum 3: ok"), "\(status.output)")
        }
    }

    @Test func aMemberJoinsATLSClusterWithCertificatesFromTheKeptCA() async throws {
        try await Self.withCluster(tls: true) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            #expect(try await cluster.headnet("broadcast", "alice", "before", "-f", cluster.spec).status.isSuccess)
            let listen = try Ports.pickFree(1, offsets: [2622])[0]
            let api = try Ports.pickFree(1)[0]
            let add = try await cluster.headnet("member", "add", "dave", "--listen", "127.0.0.1:\(listen)", "--api", "\(api)", "--learner", "-f", cluster.spec)
            try #require(add.status.isSuccess, "\(add.output)")
            #expect(add.output.contains("✓ issued dave's server and peer certificates from the cluster's CA"), "\(add.output)")
            #expect(try await cluster.headnet("broadcast", "dave", "from-dave", "-f", cluster.spec).status.isSuccess)
            let daves = try await cluster.payloads(of: "dave") { Set(["before", "from-dave"]).isSubset(of: $0) }
            #expect(daves.sorted() == ["before", "from-dave"], "\(daves)")
            let status = try await cluster.headnet("status", "-f", cluster.spec)
            #expect(status.status.isSuccess && status.output.contains("4/4 members up, quorum 3: ok"), "\(status.output)")
        }
    }

    /// A founder removed and added back under its name and address joins the running cluster
    /// (its etcd would otherwise start `new` on its empty data directory and fail: Hydra #1937),
    /// and delivers on from its last-known revision: what it had is not delivered again.
    @Test func aRemovedFounderComesBackUnderItsNameAndAddress() async throws {
        try await Self.withCluster(tls: false) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            #expect(try await cluster.headnet("broadcast", "alice", "before", "-f", cluster.spec).status.isSuccess)
            _ = try await cluster.payloads(of: "carol") { $0.contains("before") }
            let remove = try await cluster.headnet("member", "remove", "carol", "-f", cluster.spec)
            try #require(remove.status.isSuccess, "\(remove.output)")
            #expect(try await cluster.headnet("broadcast", "alice", "while-away", "-f", cluster.spec).status.isSuccess)

            let add = try await cluster.headnet(
                "member", "add", "carol", "--listen", "127.0.0.1:\(cluster.listens[2])", "--api", "\(cluster.apis[2])", "-f", cluster.spec)
            try #require(add.status.isSuccess, "\(add.output)")
            #expect(add.output.contains("its etcd joins the running cluster") && add.output.contains("✓ carol ready"), "\(add.output)")
            let carols = try await cluster.payloads(of: "carol") { $0.contains("while-away") }
            #expect(carols == ["before", "while-away"], "once each, in order: \(carols)")
            let status = try await cluster.headnet("status", "-f", cluster.spec)
            #expect(status.status.isSuccess && status.output.contains("3/3 members up, quorum 2: ok"), "\(status.output)")
        }
    }
}
