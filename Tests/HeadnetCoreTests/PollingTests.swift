import HeadnetCore
import Synchronization
import Testing

/// The one poll loop, on a clock that moves only by what is slept.
@Suite struct PollingTests {
    @Test func anAnswerEndsThePollAtOnce() async {
        let clock = SteppingClock()
        let asked = Mutex(0)
        let answer = await Polling.poll(every: .seconds(1), within: .seconds(60), clock: clock) { () -> String? in
            asked.withLock { $0 += 1 }
            return asked.withLock { $0 } == 3 ? "third" : nil
        }
        #expect(answer == "third")
        #expect(clock.now.offset == .seconds(2), "asked at 0, 1 and 2 s")
    }

    @Test func noAnswerEndsAtTheDeadlineAfterALastAttempt() async {
        let clock = SteppingClock()
        let times = Mutex<[Duration]>([])
        let answer = await Polling.poll(every: .seconds(2), within: .seconds(5), clock: clock) { () -> Int? in
            times.withLock { $0.append(clock.now.offset) }
            return nil
        }
        #expect(answer == nil)
        #expect(times.withLock { $0 } == [.zero, .seconds(2), .seconds(4), .seconds(5)], "the last sleep is cut to the deadline")
    }

    @Test func aTimeoutOfZeroAsksOnce() async {
        let asked = Mutex(0)
        let answer = await Polling.poll(every: .seconds(1), within: .zero, clock: SteppingClock()) { () -> Bool? in
            asked.withLock { $0 += 1 }
            return nil
        }
        #expect(answer == nil && asked.withLock { $0 } == 1)
    }

    @Test func anyClockCountsFromWhereItWasMade() async throws {
        let stepping = SteppingClock()
        try await stepping.sleep(for: .seconds(7))
        let clock = AnyClock(stepping)
        #expect(clock.now.offset == .zero)
        try await clock.sleep(for: .seconds(3))
        #expect(clock.now.offset == .seconds(3) && stepping.now.offset == .seconds(10))
    }
}
