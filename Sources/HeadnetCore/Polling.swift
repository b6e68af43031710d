/// The one poll-until-deadline loop: ask, stop at an answer, give up at the deadline, sleep on
/// the given clock in between. A test passes a ``SteppingClock`` and a 30 s wait takes no time.
public enum Polling {
    /// Calls `attempt` until it returns an answer or `timeout` has passed on `clock`, sleeping
    /// `interval` between calls; `attempt` runs at least once, and once more at the deadline.
    /// Returns the answer, or nil at the deadline or when the task is cancelled.
    public static func poll<Answer>(
        every interval: Duration, within timeout: Duration, clock: some Clock<Duration> = ContinuousClock(),
        _ attempt: () async throws -> Answer?
    ) async rethrows -> Answer? {
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let answer = try await attempt() { return answer }
            guard clock.now < deadline, !Task.isCancelled else { return nil }
            let wake = min(clock.now.advanced(by: interval), deadline)
            try? await clock.sleep(until: wake, tolerance: nil)
        }
    }
}
