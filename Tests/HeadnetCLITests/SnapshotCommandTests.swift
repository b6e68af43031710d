import EtcdTesting
import Foundation
import Processes
import Testing

/// Backups (issue 12) through the real binary on a real devnet: `snapshot save` → `down --purge`
/// → `snapshot restore` → `up` brings back every message, and `defrag` on a live cluster.
extension DevnetCommandTests {
    @Test(arguments: [false, true])
    func snapshotSaveRestoreBringsBackEveryMessage(tls: Bool) async throws {
        try await Self.withCluster(tls: tls) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            let before = ["alice", "bob", "carol"].flatMap { node in (1...2).map { "before-\(node)-\($0)" } }
            for payload in before {
                let sender = String(payload.split(separator: "-")[1])
                #expect(try await cluster.headnet("broadcast", sender, payload, "-f", cluster.spec).status.isSuccess)
            }
            for node in ["alice", "bob", "carol"] {
                let payloads = try await cluster.payloads(of: node) { Set($0) == Set(before) }
                try #require(payloads.sorted() == before.sorted(), "\(node) delivered \(payloads)")
            }
            let keys = try await Self.messageKeys(cluster)
            #expect(keys.count == 3, "one msg- key per sender: \(keys)")

            // Save: from the leader, checked, with its size, revision and key count.
            let save = try await cluster.headnet("snapshot", "save", "backup.db", "-f", cluster.spec)
            try #require(save.status.isSuccess, "\(save.output)")
            #expect(save.output.contains("(the leader)") && save.output.contains("sha256 ok"), "\(save.output)")
            let revision = try #require(save.output.firstMatch(of: /revision (\d+), (\d+) keys/), "\(save.output)")
            #expect(Int(revision.1)! >= keys.values.map(\.modRevision).max()!, "\(save.output)")
            #expect(Int(revision.2)! >= 4, "version, three msg- keys and alive- keys: \(save.output)")
            #expect(save.output.contains("size ") && save.output.contains(" bytes)"), "\(save.output)")
            let named = try await cluster.headnet("snapshot", "save", "carol.db", "--node", "carol", "-f", cluster.spec)
            #expect(named.status.isSuccess && named.output.contains("from carol's etcd"), "\(named.output)")

            // Refused while the cluster runs, and while its state is there.
            let running = try await cluster.headnet("snapshot", "restore", "backup.db", "-f", cluster.spec)
            #expect(running.status == .exited(1) && running.output.contains("Error: cluster 'test' runs"), "\(running.output)")
            #expect(running.output.contains("headnet down --purge") && !running.output.contains("Usage"), "\(running.output)")
            try #require(try await cluster.headnet("down", "-f", cluster.spec).status.isSuccess)
            let occupied = try await cluster.headnet("snapshot", "restore", "backup.db", "-f", cluster.spec)
            #expect(occupied.status == .exited(1) && occupied.output.contains("etcd data in ") && occupied.output.contains("down --purge"),
                    "\(occupied.output)")
            try #require(try await cluster.headnet("down", "--purge", "-f", cluster.spec).status.isSuccess)

            // A damaged copy and a missing file are refused; nothing is restored from them.
            var damaged = try Data(contentsOf: cluster.directory.appendingPathComponent("backup.db"))
            damaged[damaged.count / 2] ^= 0xff
            try damaged.write(to: cluster.directory.appendingPathComponent("damaged.db"))
            let bad = try await cluster.headnet("snapshot", "restore", "damaged.db", "-f", cluster.spec)
            #expect(bad.status == .exited(1) && bad.output.contains("fails its sha256 check"), "\(bad.output)")
            let missing = try await cluster.headnet("snapshot", "restore", "nope.db", "-f", cluster.spec)
            #expect(missing.status == .exited(1) && missing.output.contains("no snapshot at"), "\(missing.output)")
            #expect(!FileManager.default.fileExists(atPath: cluster.directory.appendingPathComponent(".headnet/test/alice/etcd").path))

            let restore = try await cluster.headnet("snapshot", "restore", "backup.db", "-f", cluster.spec)
            try #require(restore.status.isSuccess, "\(restore.output)")
            for node in ["alice", "bob", "carol"] { #expect(restore.output.contains("✓ \(node): restored member 127.0.0.1:"), "\(restore.output)") }
            #expect(restore.output.contains("sha256 ok") && restore.output.contains("restored to revision \(revision.1)"), "\(restore.output)")

            let up = try await cluster.headnet("up", "-f", cluster.spec)
            try #require(up.status.isSuccess, "\(up.output)")
            #expect(try await Self.messageKeys(cluster) == keys, "every msg- key is back as it was")

            // Every node delivers what is broadcast after the restore (and, its journal being
            // new, the messages in the snapshot from the start), each once.
            let after = ["after-alice", "after-carol"]
            for payload in after {
                #expect(try await cluster.headnet("broadcast", String(payload.dropFirst(6)), payload, "-f", cluster.spec).status.isSuccess)
            }
            for node in ["alice", "bob", "carol"] {
                let payloads = try await cluster.payloads(of: node) { Set($0).isSuperset(of: after) && $0.count >= before.count + after.count }
                #expect(payloads.sorted() == (before + after).sorted(), "\(node) delivered \(payloads)")
            }
        }
    }

    @Test func defragOnALiveDevnetGoesLeaderLastAndReportsSizes() async throws {
        try await Self.withCluster(tls: false) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            for index in 1...5 { #expect(try await cluster.headnet("broadcast", "bob", "m-\(index)", "-f", cluster.spec).status.isSuccess) }
            let defrag = try await cluster.headnet("defrag", "-f", cluster.spec)
            #expect(defrag.status.isSuccess, "\(defrag.output)")
            let lines = defrag.output.split(separator: "\n").filter { $0.hasPrefix("✓ ") }
            #expect(lines.count == 3, "\(defrag.output)")
            #expect(lines.allSatisfy { $0.contains(": db ") && $0.contains(" → ") && $0.contains("in use ") }, "\(defrag.output)")
            #expect(lines.prefix(2).allSatisfy { $0.contains("(follower)") } && lines.last?.contains("(leader)") == true, "\(defrag.output)")
            #expect(defrag.output.contains("defragmented 3 members of cluster 'test'"), "\(defrag.output)")
            #expect(try await cluster.headnet("status", "-f", cluster.spec).status.isSuccess)

            // With a member down, nothing is defragmented.
            try #require(try await cluster.headnet("down", "-f", cluster.spec).status.isSuccess)
            let down = try await cluster.headnet("defrag", "-f", cluster.spec)
            #expect(down.status == .exited(1) && down.output.contains("Error: not every etcd member answers"), "\(down.output)")
        }
    }

    /// A `msg-` key's value and mod revision.
    struct MessageKey: Equatable {
        var value: String
        var modRevision: Int
    }

    /// The `msg-` keys in alice's etcd (through `headnet env` and etcdctl), by key.
    static func messageKeys(_ cluster: Cluster) async throws -> [String: MessageKey] {
        let result = try await cluster.shell(#"eval "$("$HEADNET" env alice -f spec.yaml)" && etcdctl get --prefix msg- -w json"#)
        try #require(result.status.isSuccess, "\(result.output)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "\(result.output)")
        var keys: [String: MessageKey] = [:]
        for kv in document["kvs"] as? [[String: Any]] ?? [] {
            let key = try #require((kv["key"] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) })
            keys[key] = MessageKey(value: kv["value"] as? String ?? "", modRevision: kv["mod_revision"] as? Int ?? 0)
        }
        return keys
    }
}
