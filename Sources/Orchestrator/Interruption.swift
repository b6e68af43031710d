import Synchronization

/// A request from outside a running plan (Ctrl-C) to stop: the plan's waits end at their next
/// look and no later stage starts; what the plan does on failure (`up`'s rollback) follows.
public final class Interruption: Sendable {
    private let requested = Mutex(false)

    /// Nothing requested yet.
    public init() {}

    /// Asks the plan to stop.
    public func request() { requested.withLock { $0 = true } }

    /// Whether a stop was asked for.
    public var isRequested: Bool { requested.withLock { $0 } }
}
