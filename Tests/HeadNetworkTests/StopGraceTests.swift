import HeadnetCore
import Testing

@testable import HeadNetwork

/// ``StopGrace``: how the node's etcd connections end when the component stops.
@Suite struct StopGraceTests {
    /// Work that does not end on its own is cancelled once the grace period after the stop
    /// has passed, not before.
    @Test func workStillRunningIsCutWhenTheGracePeriodEnds() async throws {
        let (stopping, stop) = AsyncStream<Never>.makeStream()
        let cancelled = LockedValue(false)
        let clock = ContinuousClock()
        let stopped = clock.now
        stop.finish()
        try await StopGrace.run(
            {
                do {
                    try await Task.sleep(for: .seconds(3600))
                } catch {
                    cancelled.withLock { $0 = true }
                    throw error
                }
            }, stopping: stopping, grace: .milliseconds(300))
        let elapsed = stopped.duration(to: clock.now)
        #expect(cancelled.withLock { $0 })
        #expect(elapsed >= .milliseconds(300), "cut before the grace period ended")
        #expect(elapsed < .seconds(20))
    }

    /// Work that ends within the grace period (connections closing once their calls ended)
    /// ends the run at once: the grace period's timer does not hold it.
    @Test func workEndingWithinTheGracePeriodEndsTheRunAtOnce() async throws {
        let (stopping, stop) = AsyncStream<Never>.makeStream()
        let (closing, close) = AsyncStream<Never>.makeStream()
        let cancelled = LockedValue(false)
        let clock = ContinuousClock()
        let began = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await StopGrace.run(
                    {
                        for await _ in closing {}
                        cancelled.withLock { $0 = Task.isCancelled }
                    }, stopping: stopping, grace: .seconds(60))
            }
            stop.finish()
            close.finish()
            try await group.waitForAll()
        }
        #expect(cancelled.withLock { $0 } == false)
        #expect(began.duration(to: clock.now) < .seconds(30))
    }

    /// Work that fails before the stop ends the run with its error.
    @Test func workFailingBeforeTheStopThrows() async throws {
        struct Broken: Error {}
        let (stopping, stop) = AsyncStream<Never>.makeStream()
        defer { stop.finish() }
        await #expect(throws: Broken.self) {
            try await StopGrace.run({ throw Broken() }, stopping: stopping, grace: .seconds(60))
        }
    }
}
