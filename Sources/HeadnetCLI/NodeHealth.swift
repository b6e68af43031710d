import ClusterSpec
import Foundation
import Health
import HeadNetwork
import Orchestrator

/// The node-level checks of `headnet health SPEC`: each node's API readiness, its queue depth,
/// and how far its watch would have to catch up against etcd's compaction horizon.
enum NodeHealth {
    static func check(
        node: NodeSpec, api: NodeAPIClient, directory: URL, clusterRevision: Int64, horizon: CompactionHorizon, queueCapacity: Int
    ) async -> [CheckResult] {
        let document: [String: Any]
        do {
            document = try await api.statusDocument()
            try api.verify(document)
        } catch let error as OrchestratorError {
            var results = [CheckResult(check: "node API", subject: node.name, verdict: .fail, evidence: error.message,
                                       hint: error.code == .wrongCluster ? "another cluster answers on this node's ports" : "start it: `headnet up`")]
            // Down: how long it can stay down before its watch resumes past what etcd keeps.
            if error.code == .nodeDown, clusterRevision > 0, let known = try? RevisionStore(directory: directory).load() {
                results.append(horizon.check(node: node.name, delivered: known, current: clusterRevision, revisionsPerSecond: nil))
            }
            return results
        } catch {
            return [CheckResult(check: "node API", subject: node.name, verdict: .fail, evidence: "\(error)", hint: "start it: `headnet up`")]
        }
        let network = document["network"] as? [String: Any] ?? [:]
        // The node's own /readyz says whether it is ready and, if not, what it misses.
        let readiness = try? await api.request("GET", "/readyz", timeout: 2)
        let said = readiness.map { String(decoding: $0.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "no answer to /readyz"
        var results = [readiness?.status == 200
            ? CheckResult(check: "node ready", subject: node.name, verdict: .ok, evidence: "etcd serving, connected, version matches")
            : CheckResult(check: "node ready", subject: node.name, verdict: .fail, evidence: said,
                          hint: "`headnet logs \(node.name) --trace` shows what the node sees")]
        let depth = network["queueDepth"] as? Int ?? 0
        let queue = "\(depth) of \(queueCapacity) queued"
        results.append(depth >= queueCapacity
            ? CheckResult(check: "queue depth", subject: node.name, verdict: .fail, evidence: queue, hint: "broadcasts block: the node cannot write to etcd")
            : depth * 2 >= queueCapacity
                ? CheckResult(check: "queue depth", subject: node.name, verdict: .warn, evidence: queue, hint: "broadcasts are not getting out; check etcd and the leader")
                : CheckResult(check: "queue depth", subject: node.name, verdict: .ok, evidence: queue))
        let missed = document["messagesMissed"] as? Int ?? 0
        results.append(missed == 0
            ? CheckResult(check: "messages missed", subject: node.name, verdict: .ok, evidence: "none since the node started")
            : CheckResult(check: "messages missed", subject: node.name, verdict: .fail, evidence: "\(missed) MessagesMissed event\(missed == 1 ? "" : "s")",
                          hint: "its watch resumed past revisions etcd had compacted: those messages are gone from etcd; "
                              + "`headnet logs \(node.name) --trace` shows which revisions, another node's journal (`headnet tail`) has them"))
        // A running node's watch is live: it is at the cluster's revision as far as compaction goes.
        let known = (network["lastKnownRevision"] as? NSNumber)?.int64Value ?? 0
        results.append(CheckResult(check: "compaction horizon", subject: node.name, verdict: .ok,
                                   evidence: "watch live (last known revision \(known), cluster at \(clusterRevision))"))
        return results
    }
}
