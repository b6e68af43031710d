/// The broadcast loop's decisions (Hydra's `putMessage` and the batch popping around it), free of
/// I/O: the caller reads the queue, writes the in-flight marker, runs the Txn and pops; this
/// type says what each answer means.
///
/// A batch is sent with a Txn that compares our key's mod revision with `lastModRev`: equal →
/// put. When the compare fails and the key exists, an earlier attempt of this very batch was
/// committed (only this node writes its key) — a retry after a timeout, or a `lastModRev` that
/// went stale — so the batch counts as sent (`BroadcastDeduped`) and nothing is written twice.
/// When the compare fails and the key is gone, the cluster was reset under the node: stop.
struct BroadcastSender: Sendable, Hashable {
    /// Our key's mod revision the next Txn compares against.
    private(set) var lastModRev: Int64
    /// The batch being sent; kept across retries so that a retry resends exactly it.
    private(set) var inFlight: [PersistentQueue.Item]?

    /// Starts from our key's current mod revision (0 when it does not exist).
    init(lastModRev: Int64) {
        self.lastModRev = lastModRev
    }

    /// What etcd answered to one Txn.
    struct Answer: Sendable, Hashable {
        /// Whether the compare held (and the put ran).
        var succeeded: Bool
        /// The response header's revision.
        var revision: Int64
        /// On a failed compare: our key's mod revision as the failure branch's range read it
        /// (nil when the key does not exist).
        var observedModRevision: Int64?

        /// Creates an answer.
        init(succeeded: Bool, revision: Int64, observedModRevision: Int64? = nil) {
            self.succeeded = succeeded
            self.revision = revision
            self.observedModRevision = observedModRevision
        }
    }

    /// What to do with the batch after an answer.
    enum Decision: Sendable, Equatable {
        /// The batch is in etcd: pop it from the queue. `trace` says how it got there.
        case pop(trace: EtcdLog)
        /// The key vanished: the node must stop with this message.
        case fail(String)
    }

    /// Takes `batch` (the head of the queue) as the batch in flight; returns the marker to write
    /// durably before the first attempt.
    mutating func begin(_ batch: [PersistentQueue.Item]) -> InFlightBatch {
        inFlight = batch
        return InFlightBatch(lastModRev: lastModRev, indices: batch.map(\.index))
    }

    /// Interprets etcd's answer to the Txn for the batch in flight.
    mutating func answered(_ answer: Answer, key: String) -> Decision {
        if answer.succeeded {
            lastModRev = answer.revision
            return .pop(trace: .broadcastSent(messages: inFlight?.count ?? 0, revision: answer.revision, firstItem: inFlight?.first?.index ?? 0))
        }
        guard let observed = answer.observedModRevision else {
            return .fail(
                "our broadcast key \(key) vanished from etcd (compared against mod revision \(lastModRev)): the cluster was reset underneath this node. Restart the node")
        }
        defer { lastModRev = observed }
        return .pop(trace: .broadcastDeduped(previousModRev: lastModRev, observedModRev: observed))
    }

    /// The batch in flight was popped; the next one can begin.
    mutating func popped() {
        inFlight = nil
    }

    /// On start: whether the batch a previous run had in flight (its `marker`) was committed
    /// after all. It was when our key moved past the marker's revision and holds exactly that
    /// batch (`head` are the queue's first items, `value(head)` their batch value); then it
    /// is popped instead of sent again.
    static func settle(
        marker: InFlightBatch?, current: (modRevision: Int64, value: [UInt8])?, head: [PersistentQueue.Item],
        value: ([PersistentQueue.Item]) -> [UInt8]
    ) -> EtcdLog? {
        guard let marker, let current, current.modRevision > marker.lastModRev else { return nil }
        let candidates = Array(head.prefix(marker.indices.count))
        guard candidates.map(\.index) == marker.indices, value(candidates) == current.value else { return nil }
        return .broadcastDeduped(previousModRev: marker.lastModRev, observedModRev: current.modRevision)
    }
}
