/// A broadcast refused because the queue is full, with the cause as the node can tell it from
/// its own state: the answer a node gives instead of making the sender wait (a `503` body of
/// `POST /broadcast`, JSON).
public struct QueueFull: Sendable, Hashable, Codable {
    /// Why the queue does not drain.
    public enum Cause: String, Sendable, Hashable, Codable {
        /// The node's etcd member knows no leader, or the node holds no lease on a majority.
        case noQuorum = "no-quorum"
        /// The node's own etcd member does not answer (or has not started serving).
        case etcdUnreachable = "etcd-unreachable"
        /// The cluster writes, but more slowly than broadcasts arrive.
        case slow
    }

    /// Messages queued.
    public var queueDepth: Int
    /// Messages that fit.
    public var queueCapacity: Int
    /// Seconds the oldest queued message has waited.
    public var oldestQueuedSeconds: Double?
    /// Why the queue does not drain.
    public var cause: Cause
    /// The cause in words, with what the node sees.
    public var detail: String
    /// When to try again, in seconds (the `Retry-After` header).
    public var retryAfterSeconds: Int

    /// Creates a refusal.
    public init(queueDepth: Int, queueCapacity: Int, oldestQueuedSeconds: Double?, cause: Cause, detail: String, retryAfterSeconds: Int) {
        self.queueDepth = queueDepth
        self.queueCapacity = queueCapacity
        self.oldestQueuedSeconds = oldestQueuedSeconds
        self.cause = cause
        self.detail = detail
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The refusal for a queue at `load` on a node in `status`: the cause is the first of its
    /// own etcd not answering, no quorum (no leader known, or no lease on a majority), or
    /// else slowness.
    public static func diagnose(_ load: QueueLoad, status: NetworkStatus, now: ContinuousClock.Instant = .now) -> QueueFull {
        let cause: Cause
        let detail: String
        if !status.etcdReady || status.etcd?.reachable == false {
            cause = .etcdUnreachable
            detail = status.etcdReady ? "the node's etcd member does not answer" : "the node's etcd member is not serving yet"
        } else if status.etcd?.hasLeader == false {
            cause = .noQuorum
            detail = "the cluster has no quorum: the node's etcd member knows no leader"
        } else if !status.connected {
            cause = .noQuorum
            detail = "the node is not connected to a majority of the cluster"
        } else {
            cause = .slow
            detail = "the cluster writes more slowly than broadcasts arrive"
        }
        return QueueFull(
            queueDepth: load.depth, queueCapacity: load.capacity, oldestQueuedSeconds: load.oldestWaitSeconds(at: now),
            cause: cause, detail: detail, retryAfterSeconds: cause == .slow ? 1 : 5)
    }

    /// `queue full (100 of 100): <detail>`.
    public var summary: String { "queue full (\(queueDepth) of \(queueCapacity)): \(detail)" }
}

/// What ``EtcdNetwork/offer(_:)`` did with a message.
public enum BroadcastOffer: Sendable, Hashable {
    /// Queued durably, at this queue index.
    case queued(index: UInt64)
    /// Refused: the queue is full (nothing kept).
    case refused(QueueFull)
    /// A message offered with the same idempotency key was queued before, at this queue index:
    /// nothing new was queued.
    case replayed(index: UInt64)
}
