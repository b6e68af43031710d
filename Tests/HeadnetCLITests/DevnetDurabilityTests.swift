import EtcdTesting
import Foundation
import Processes
import Testing

/// What a 202 promises (issue 13): the hot path answers once a broadcast is fdatasynced in the
/// queue's log or committed by etcd, and that survives kill -9, through the real binary.
extension DevnetCommandTests {
    /// The pid in `<state>/<node>/<file>`.
    static func pid(_ cluster: Cluster, _ node: String, _ file: String) throws -> Int32 {
        let text = try String(contentsOf: cluster.directory.appendingPathComponent(".headnet/test/\(node)/\(file)"), encoding: .utf8)
        return try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// kill -9 of `node`'s process and of its etcd, as a crash of its machine would.
    static func crash(_ cluster: Cluster, _ node: String) async throws {
        for file in ["node.pid", "etcd.pid"] {
            let pid = try pid(cluster, node, file)
            kill(pid, SIGKILL)
            _ = await ProcessControl.waitForExit(pid, timeout: .seconds(10))
        }
    }

    @Test func everyAcceptedBroadcastSurvivesKillMinusNineOfItsNode() async throws {
        try await Self.withCluster(tls: false) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            let load = Load()
            let senders = Task {
                await withTaskGroup(of: Void.self) { group in
                    for index in 0..<8 { group.addTask { await load.run(api: cluster.apis[0], sender: "a\(index)", perSecond: 100) } }
                }
            }
            let accepted = { load.accepted.withLock { $0.values.map(\.count).reduce(0, +) } }
            try await eventually("alice accepts broadcasts while the cluster commits them") { accepted() >= 100 }
            // bob and carol crash: alice's etcd has no quorum, so what alice accepts from now on
            // is only in her queue's log, fdatasynced …
            try await Self.crash(cluster, "bob")
            try await Self.crash(cluster, "carol")
            let beforeQuorumLoss = accepted()
            try await eventually("alice accepts broadcasts without a quorum") { accepted() >= beforeQuorumLoss + 40 }
            // … and then alice crashes too, in the middle of it.
            try await Self.crash(cluster, "alice")
            load.stopped.withLock { $0 = true }
            await senders.value
            print("accepted \(accepted()) broadcasts, \(accepted() - beforeQuorumLoss) of them after the quorum was lost")

            let up = try await cluster.headnet("up", "-f", cluster.spec)
            try #require(up.status.isSuccess, "\(up.output)")
            try await Self.expectEveryJournalHoldsEveryAcceptedMessage(load, apis: cluster.apis)
        }
    }
}
