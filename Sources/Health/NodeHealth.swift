import ClusterSpec
import Foundation
import HeadNetwork
import NodeAPIModel

/// The node-level checks of `headnet health SPEC`: each node's API readiness, its queue depth,
/// MessagesMissed, and how far its delivered revision is from etcd's compaction horizon. The
/// nodes are read first (a ``Reading`` each), so that the write rate the running ones measure
/// can tell how long a stopped one has left.
public enum NodeHealth {
    /// The name of the check that fails once a node reported `MessagesMissed`.
    public static let messagesMissedCheck = "messages missed"

    /// What one node's API answered.
    public struct Reading: Sendable {
        /// The node.
        public var node: NodeSpec
        /// Its `/status` document, or why there is none.
        public var document: Result<NodeStatus, Unanswered>
        /// Its `/readyz` answer (status, text); nil without one.
        public var readiness: (status: Int, text: String)?

        /// A reading of `node`.
        public init(node: NodeSpec, document: Result<NodeStatus, Unanswered>, readiness: (status: Int, text: String)? = nil) {
            self.node = node
            self.document = document
            self.readiness = readiness
        }

        /// The revisions per second its etcd member measured over the last minute.
        public var revisionsPerSecond: Double? {
            guard case .success(let document) = document else { return nil }
            return document.network.etcd?.revisionsPerSecond
        }
    }

    /// Why a node gave no `/status`.
    public struct Unanswered: Error, Sendable, Hashable {
        /// The kind of silence, which decides the hint.
        public enum Reason: Sendable, Hashable {
            /// Its API does not answer (not running, or not yet serving).
            case down
            /// Its process is stopped by a signal (SIGSTOP).
            case stopped
            /// A node of another cluster answers on its ports.
            case wrongCluster
            /// It answered, but not with a status of this cluster's node.
            case refused
        }

        /// The kind of silence.
        public var reason: Reason
        /// What the client saw, for the evidence.
        public var message: String

        /// A silence of `reason`, saying `message`.
        public init(_ reason: Reason, _ message: String) {
            self.reason = reason
            self.message = message
        }
    }

    /// The cluster's write rate as the running nodes measured it (the highest: the most
    /// cautious for the time left).
    public static func writeRate(_ readings: [Reading]) -> Double? {
        readings.compactMap(\.revisionsPerSecond).max()
    }

    /// The checks for one node. `lastMessageRevision` is the revision of the newest `msg-` put
    /// (0 when none); `storedRevision` is a stopped node's last known revision as its state on
    /// disk says.
    public static func check(
        _ reading: Reading, storedRevision: Int64?, clusterRevision: Int64, lastMessageRevision: Int64, revisionsPerSecond: Double?,
        horizon: CompactionHorizon, queueCapacity: Int
    ) -> [CheckResult] {
        let node = reading.node
        let document: NodeStatus
        switch reading.document {
        case .failure(let error):
            var results = [CheckResult(check: "node API", subject: node.name, verdict: .fail, evidence: error.message,
                                       hint: error.reason == .wrongCluster ? "another cluster answers on this node's ports"
                                           : error.reason == .stopped ? "it holds its queue and answers nothing until resumed" : "start it: `headnet up`")]
            // Down: how long it can stay down before its watch resumes past what etcd keeps.
            if error.reason == .down, clusterRevision > 0, let known = storedRevision {
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
                hint: "new broadcasts are refused (503): " + (network.queueFull?.detail ?? "the node cannot write to etcd"))
            : depth * 2 >= capacity
                ? CheckResult(check: "queue depth", subject: node.name, verdict: .warn, evidence: queue, hint: "broadcasts are not getting out; check etcd and the leader")
                : CheckResult(check: "queue depth", subject: node.name, verdict: .ok, evidence: queue))
        let missed = document.messagesMissed
        results.append(missed == 0
            ? CheckResult(check: Self.messagesMissedCheck, subject: node.name, verdict: .ok, evidence: "none since the node started")
            : CheckResult(check: Self.messagesMissedCheck, subject: node.name, verdict: .fail, evidence: "\(missed) MessagesMissed event\(missed == 1 ? "" : "s")",
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
