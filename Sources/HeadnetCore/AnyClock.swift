/// Any clock counting in `Duration`, as a value a type can store: `AnyClock(ContinuousClock())`
/// in production, `AnyClock(SteppingClock())` in a test.
public struct AnyClock: Clock {
    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    /// `clock`, its time counted from now.
    public init<C: Clock<Duration>>(_ clock: C) {
        let start = clock.now
        elapsed = { start.duration(to: clock.now) }
        sleeper = { try await clock.sleep(for: $0) }
    }

    public var now: OffsetInstant { OffsetInstant(offset: elapsed()) }
    public var minimumResolution: Duration { .zero }

    public func sleep(until deadline: OffsetInstant, tolerance: Duration?) async throws {
        let left = now.duration(to: deadline)
        if left > .zero { try await sleeper(left) }
    }
}
