/// The idempotency keys a broadcast queue remembers, and what to do with a message that comes
/// with one: free of I/O (``PersistentQueue`` keeps the keys durable, see
/// ``PersistentQueue/offer(_:key:onFirstRefusal:)``).
///
/// A key is *pending* from ``admit(_:)`` answering ``Admission/proceed`` until its message is
/// accepted (``accept(_:index:)``: remembered with the message's queue index) or refused
/// (``release(_:)``: forgotten, so a retry is taken as new). A key arriving while it is pending
/// waits for that outcome; one remembered is answered as the first time was. The window holds the
/// `capacity` keys accepted last: accepting one more forgets the oldest.
///
/// ```swift
/// var window = IdempotencyWindow<String>(capacity: 2)
/// window.admit("a")              // .proceed: queue the message
/// window.admit("a")              // .wait: the first is under way
/// window.accept("a", index: 7)
/// window.admit("a")              // .replay(index: 7): nothing new
/// ```
struct IdempotencyWindow<Key: Hashable & Sendable>: Sendable {
    /// What to do with a message that carries a key.
    enum Admission: Sendable, Hashable {
        /// The key is new: queue the message, then ``accept(_:index:)`` or ``release(_:)`` it.
        case proceed
        /// A message with this key is being queued: wait for its outcome, then admit again.
        case wait
        /// A message with this key was accepted as queue item `index`: answer as then, queue nothing.
        case replay(index: UInt64)
    }

    /// How many accepted keys the window keeps.
    let capacity: Int
    private var remembered: [Key: UInt64] = [:]
    /// The remembered keys, oldest first, from `head` on (an entry whose index no longer matches
    /// `remembered` is stale: the key was remembered again later).
    private var order: [(key: Key, index: UInt64)] = []
    private var head = 0
    private var pending: Set<Key> = []

    /// An empty window keeping `capacity` keys (at least 1).
    init(capacity: Int) {
        precondition(capacity >= 1, "an idempotency window keeps at least one key")
        self.capacity = capacity
    }

    /// Keys remembered (pending ones aside).
    var count: Int { remembered.count }

    /// The queue index a remembered key was accepted as.
    func index(of key: Key) -> UInt64? { remembered[key] }

    /// Whether a message with `key` is being queued.
    func isPending(_ key: Key) -> Bool { pending.contains(key) }

    /// Decides what to do with a message carrying `key`; ``Admission/proceed`` marks it pending.
    mutating func admit(_ key: Key) -> Admission {
        if let index = remembered[key] { return .replay(index: index) }
        if pending.contains(key) { return .wait }
        pending.insert(key)
        return .proceed
    }

    /// The pending `key`'s message was accepted as queue item `index`: remember it.
    mutating func accept(_ key: Key, index: UInt64) {
        pending.remove(key)
        remember(key, index: index)
    }

    /// The pending `key`'s message was refused (or failed): forget it.
    mutating func release(_ key: Key) {
        pending.remove(key)
    }

    /// Remembers `key` as accepted as queue item `index` (recovery replays the keys found on disk
    /// through this, oldest first); the oldest keys beyond ``capacity`` are forgotten.
    mutating func remember(_ key: Key, index: UInt64) {
        guard remembered[key] != index else { return }
        remembered[key] = index
        order.append((key, index))
        while remembered.count > capacity {
            let oldest = order[head]
            head += 1
            if remembered[oldest.key] == oldest.index { remembered[oldest.key] = nil }
        }
        // Drop the forgotten prefix now and then, not at every key.
        if head >= 1024, head * 2 >= order.count {
            order.removeFirst(head)
            head = 0
        }
    }

    /// The remembered keys, oldest first, with their queue indices.
    var entries: [(key: Key, index: UInt64)] {
        order[head...].filter { remembered[$0.key] == $0.index }
    }
}
