/// Times this node's broadcasts through their two stages, for the metrics' histograms:
/// queued → committed (the `POST /broadcast` that queued a message until etcd committed the put
/// carrying it) and committed → delivered (that commit until the node's own watch delivered it
/// to the journal). Free of I/O; the node feeds it what its component reports.
///
/// Only the node's own messages can be timed: the wire carries no time stamps, so when another
/// node's message was committed is not known here. Messages queued before the node started are
/// not timed; a batch the watch delivered before the put's answer arrived counts 0 s.
public struct BroadcastTimings: Sendable {
    /// At most this many messages or batches are waited for; older ones are forgotten (a batch
    /// never delivered — lost to compaction — must not grow memory for ever).
    public let limit: Int
    private var queued: [UInt64: ContinuousClock.Instant] = [:]
    private var committed: [Int64: ContinuousClock.Instant] = [:]
    private var committedEarly: [UInt64: ContinuousClock.Instant] = [:]
    private var deliveredFirst: Set<Int64> = []

    /// Timings that remember at most `limit` messages and batches.
    public init(limit: Int = 1024) {
        self.limit = limit
    }

    /// Queue item `item` was queued at `time` (when the request arrived). The sender may have
    /// committed it before this is called: then the wait is returned at once.
    public mutating func queued(item: UInt64, at time: ContinuousClock.Instant) -> Duration? {
        if let commit = committedEarly.removeValue(forKey: item) { return max(.zero, commit - time) }
        queued[item] = time
        trim(&queued)
        return nil
    }

    /// What a commit tells.
    public struct Commit: Sendable, Equatable {
        /// How long each timed message of the batch waited in the queue.
        public var queueWaits: [Duration]
        /// 0 when the watch had already delivered the batch (it was faster than the put's
        /// answer); nil otherwise (the delivery is timed by ``delivered(revision:at:)``).
        public var deliveredBeforeAnswer: Duration?
    }

    /// The batch of queue items `firstItem ..< firstItem + messages` was committed at `revision`
    /// at `time`.
    public mutating func committed(firstItem: UInt64, messages: Int, revision: Int64, at time: ContinuousClock.Instant) -> Commit {
        var waits: [Duration] = []
        for item in firstItem..<firstItem + UInt64(max(messages, 0)) {
            if let start = queued.removeValue(forKey: item) {
                waits.append(time - start)
            } else {
                committedEarly[item] = time
            }
        }
        trim(&committedEarly)
        if deliveredFirst.remove(revision) != nil { return Commit(queueWaits: waits, deliveredBeforeAnswer: .zero) }
        committed[revision] = time
        trim(&committed)
        return Commit(queueWaits: waits, deliveredBeforeAnswer: nil)
    }

    /// The node's own batch at `revision` reached its journal at `time`; returns the time since
    /// it was committed, or nil when the commit is not known (yet: then ``committed(firstItem:messages:revision:at:)``
    /// reports it).
    public mutating func delivered(revision: Int64, at time: ContinuousClock.Instant) -> Duration? {
        if let start = committed.removeValue(forKey: revision) { return max(.zero, time - start) }
        deliveredFirst.insert(revision)
        if deliveredFirst.count > limit, let oldest = deliveredFirst.min() { deliveredFirst.remove(oldest) }
        return nil
    }

    /// Messages and batches still waited for.
    public var pending: (queued: Int, committed: Int) { (queued.count, committed.count) }

    private func trim<Key: Comparable>(_ table: inout [Key: ContinuousClock.Instant]) {
        while table.count > limit, let oldest = table.keys.min() { table.removeValue(forKey: oldest) }
    }
}
