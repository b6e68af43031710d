import Processes

/// How full the broadcast queue is: depth against capacity, and since when its oldest message
/// waits.
public struct QueueLoad: Sendable, Hashable {
    /// Messages queued.
    public var depth: Int
    /// Messages that fit.
    public var capacity: Int
    /// When the oldest queued message arrived (nil when the queue is empty; messages found on
    /// disk at start count from when the queue opened).
    public var oldestQueuedAt: ContinuousClock.Instant?

    /// Creates a load.
    public init(depth: Int, capacity: Int, oldestQueuedAt: ContinuousClock.Instant?) {
        self.depth = depth
        self.capacity = capacity
        self.oldestQueuedAt = oldestQueuedAt
    }

    /// Whether no more messages fit.
    public var isFull: Bool { depth >= capacity }

    /// How long the oldest queued message has waited at `now`, in seconds (nil when empty).
    public func oldestWaitSeconds(at now: ContinuousClock.Instant = .now) -> Double? {
        oldestQueuedAt.map { max(0, (now - $0).inSeconds) }
    }
}

/// What became of a message offered to the broadcast queue.
public enum QueueAdmission: Sendable {
    /// Queued (and durable, see ``PersistentQueue/write(_:onFull:)``).
    case queued(PersistentQueue.Item)
    /// The queue was full: nothing was kept.
    case full(QueueLoad)
    /// An item offered with the same idempotency key was accepted before, as the item with this
    /// index: nothing was queued (see ``PersistentQueue/offer(_:key:onFirstRefusal:)``).
    case replayed(index: UInt64)
}
