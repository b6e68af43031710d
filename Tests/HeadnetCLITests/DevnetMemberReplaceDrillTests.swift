import Foundation
import Testing

extension DevnetDrillTests {
    /// drills/member-replace.yaml as shipped, its `cluster:` pointed at the test's spec (free
    /// ports; drill3.yaml's fixed ones may be taken on a shared machine).
    static func shippedDrill(_ name: String, on cluster: DevnetCommandTests.Cluster) throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("drills/\(name).yaml")
        let text = try String(contentsOf: shipped, encoding: .utf8).replacing(/\ncluster: [^\n]*\n/, with: "\ncluster: spec.yaml\n", maxReplacements: 1)
        #expect(text.contains("\ncluster: spec.yaml\n"))
        try text.write(to: cluster.directory.appendingPathComponent("drill.yaml"), atomically: true, encoding: .utf8)
    }

    /// etcd's MemberReplace under load: a follower crashes (SIGKILL, SIGQUIT to its etcd), its member is removed and its
    /// etcd data deleted, then it comes back as a new, empty member under the same name and
    /// address — a founder, so it must join as `existing` — and catches up. Nothing is lost,
    /// duplicated or out of order, and the three members' hashes agree.
    @Test(arguments: [false, true])
    func aReplacedMemberCatchesUpAndNothingIsLost(tls: Bool) async throws {
        try await DevnetCommandTests.withCluster(tls: tls) { cluster in
            try Self.shippedDrill("member-replace", on: cluster)
            let run = try await cluster.headnet(["drill", "drill.yaml", "--seed", "11", "--state-dir", "state", "--report", "report.json"])
            #expect(run.status.isSuccess && run.output.hasSuffix("PASSED\n"), "\(run.output)")
            #expect(run.output.contains("equal on 3 members"), "\(run.output)")
            let lines = run.output.split(separator: "\n")
            let removal = lines.first { $0.contains("remove-member") && $0.contains("✓") }.map(String.init) ?? ""
            #expect(removal.contains("'s node (pid") && removal.contains("SIGQUIT to ") && removal.contains("from etcd's members") && removal.contains("etcd data"), "\(run.output)")
            let addition = lines.first { $0.contains("add-member") && $0.contains("✓") }.map(String.init) ?? ""
            #expect(addition.contains("as a voting member") && addition.contains("is ready"), "\(run.output)")

            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: cluster.directory.appendingPathComponent("report.json"))) as? [String: Any]
            let invariants = try #require(report?["invariants"] as? [String: Any])
            #expect((invariants["accepted"] as? Int ?? 0) > 100)
            let nodes = try #require(invariants["nodes"] as? [[String: Any]])
            #expect(nodes.count == 3)
            for node in nodes {
                for key in ["lost", "duplicated", "outOfOrder"] {
                    #expect((node[key] as? [Any])?.isEmpty == true, "\(node["node"] ?? "?") \(key): \(node[key] ?? "absent")")
                }
            }
            #expect(try await !cluster.processesLeft(), "the drill took its cluster down")
        }
    }
}
