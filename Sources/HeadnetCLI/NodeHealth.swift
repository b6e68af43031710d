import ClusterSpec
import Foundation
import Health
import HeadNetwork
import NodeAPIModel
import Orchestrator

/// The node-level checks of `headnet health SPEC`: each node's API readiness, its queue depth,
/// MessagesMissed, and how far its delivered revision is from etcd's compaction horizon. The
/// nodes are read first (``read(node:api:)``), so that the write rate the running ones measure
/// can tell how long a stopped one has left.
enum NodeHealth {
    /// What one node's API answered.
    struct Reading {
        /// The node.
        var node: NodeSpec
        /// Its `/status` document, or why there is none.
        var document: Result<NodeStatus, OrchestratorError>
        /// Its `/readyz` answer (status, text); nil without one.
        var readiness: (status: Int, text: String)?

        /// The revisions per second its etcd member measured over the last minute.
        var revisionsPerSecond: Double? {
            guard case .success(let document) = document else { return nil }
            return document.network.etcd?.revisionsPerSecond
        }
    }

    /// Reads `node`'s `/status` and `/readyz`.
    static func read(node: NodeSpec, api: NodeAPIClient) async -> Reading {
        do {
            let document = try await api.statusDocument()
            try api.verify(document)
            let readiness = try? await api.request("GET", "/readyz", timeout: 2)
            return Reading(
                node: node, document: .success(document),
                readiness: readiness.map { ($0.status, String(decoding: $0.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) })
        } catch let error as OrchestratorError {
            return Reading(node: node, document: .failure(error))
        } catch {
            return Reading(node: node, document: .failure(OrchestratorError(.nodeDown, "\(node.name): \(error)")))
        }
    }

    /// The cluster's write rate as the running nodes measured it (the highest: the most
    /// cautious for the time left).
    static func writeRate(_ readings: [Reading]) -> Double? {
        readings.compactMap(\.revisionsPerSecond).max()
    }

    /// The checks for one node. `lastMessageRevision` is the revision of the newest `msg-` put
    /// (0 when none); `directory` holds a stopped node's last known revision.
    static func check(
        _ reading: Reading, directory: URL, clusterRevision: Int64, lastMessageRevision: Int64, revisionsPerSecond: Double?,
        horizon: CompactionHorizon, queueCapacity: Int
    ) -> [CheckResult] {
        let node = reading.node
        let document: NodeStatus
        switch reading.document {
        case .failure(let error):
            var results = [CheckResult(check: "node API", subject: node.name, verdict: .fail, evidence: error.message,
                                       hint: error.code == .wrongCluster ? "another cluster answers on this node's ports"
                                           : error.code == .stopped ? "it holds its queue and answers nothing until resumed" : "start it: `headnet up`")]
            // Down: how long it can stay down before its watch resumes past what etcd keeps.
            if error.code == .nodeDown, clusterRevision > 0, let known = try? RevisionStore(directory: directory).load() {
                results.append(horizon.check(node: node.name, delivered: known, current: clusterRevision, revisionsPerSecond: revisionsPerSecond))
            }
            return results
        case .success(let value): document = value
        }
        let network = document.network
        // The node's own /readyz says whether it is ready and, if not, what it misses.
        var results = [reading.readiness?.status == 200
            ? CheckResult(check: "node ready", subject: node.name, verdict: .ok, evidence: "etcd serving, connected, version matches")
            : CheckResult(check: "node ready", subject: node.name, verdict: .fail, evidence: reading.readiness?.text ?? "no answer to /readyz",
                          hint: "`headnet logs \(node.name) --trace` shows what the node sees")]
        let depth = network.queueDepth
        let capacity = network.queueCapacity > 0 ? network.queueCapacity : queueCapacity
        let oldest = network.queueOldestWaitSeconds.map { String(format: ", the oldest waiting %.1f s", $0) } ?? ""
        let queue = "\(depth) of \(capacity) queued\(oldest)"
        results.append(depth >= capacity
            ? CheckResult(
                check: "queue depth", subject: node.name, verdict: .fail, evidence: queue,
                hint: "new broadcasts are refused (503): " + (NodeAPIClient.queueFull(network)?.detail ?? "the node cannot write to etcd"))
            : depth * 2 >= capacity
                ? CheckResult(check: "queue depth", subject: node.name, verdict: .warn, evidence: queue, hint: "broadcasts are not getting out; check etcd and the leader")
                : CheckResult(check: "queue depth", subject: node.name, verdict: .ok, evidence: queue))
        let missed = document.messagesMissed
        results.append(missed == 0
            ? CheckResult(check: "messages missed", subject: node.name, verdict: .ok, evidence: "none since the node started")
            : CheckResult(check: "messages missed", subject: node.name, verdict: .fail, evidence: "\(missed) MessagesMissed event\(missed == 1 ? "" : "s")",
                          hint: "its watch resumed past revisions etcd had compacted: those messages are gone from etcd; "
                              + "`headnet logs \(node.name) --trace` shows which revisions, another node's journal (`headnet tail`) has them"))
        // A running node has delivered everything once its last known revision reaches the newest
        // message; until then it lags like a stopped node would.
        let known = network.lastKnownRevision
        if known >= lastMessageRevision {
            results.append(CheckResult(
                check: "compaction horizon", subject: node.name, verdict: .ok,
                evidence: "caught up: delivered through revision \(known), the newest message is at \(lastMessageRevision)"))
        } else {
            results.append(horizon.check(node: node.name, delivered: known, current: clusterRevision, revisionsPerSecond: revisionsPerSecond))
        }
        return results
    }
}
