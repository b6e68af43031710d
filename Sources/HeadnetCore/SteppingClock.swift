import Synchronization

/// A clock whose sleeps return at once, moving its time forward by what was slept: a wait of
/// 30 s on it asks exactly as often as on a real clock and ends at once. For tests of code that
/// takes a clock (``Polling``).
public final class SteppingClock: Clock, Sendable {
    private let time = Mutex(OffsetInstant(offset: .zero))

    /// A clock at zero.
    public init() {}

    public var now: OffsetInstant { time.withLock { $0 } }
    public var minimumResolution: Duration { .zero }

    /// Moves the clock to `deadline` (if it is later) and returns.
    public func sleep(until deadline: OffsetInstant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        time.withLock { $0 = max($0, deadline) }
    }
}
