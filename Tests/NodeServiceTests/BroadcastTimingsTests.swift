import Testing

@testable import NodeService

/// The two stages of a broadcast, timed without etcd.
@Suite struct BroadcastTimingsTests {
    let start = ContinuousClock.now

    @Test func queuedThenCommittedThenDelivered() {
        var timings = BroadcastTimings()
        #expect(timings.queued(item: 1, at: start) == nil)
        #expect(timings.queued(item: 2, at: start + .milliseconds(2)) == nil)
        let commit = timings.committed(firstItem: 1, messages: 2, revision: 40, at: start + .milliseconds(5))
        #expect(commit.queueWaits == [.milliseconds(5), .milliseconds(3)])
        #expect(commit.deliveredBeforeAnswer == nil)
        #expect(timings.delivered(revision: 40, at: start + .milliseconds(6)) == .milliseconds(1))
        #expect(timings.pending == (0, 0))
    }

    @Test func aCommitBeforeTheQueuedCallIsStillTimed() {
        // The sender can commit an item before the POST handler records that it queued it.
        var timings = BroadcastTimings()
        let commit = timings.committed(firstItem: 7, messages: 1, revision: 12, at: start + .milliseconds(4))
        #expect(commit.queueWaits.isEmpty)
        #expect(timings.queued(item: 7, at: start) == .milliseconds(4))
    }

    @Test func theWatchCanBeFasterThanThePutsAnswer() {
        var timings = BroadcastTimings()
        _ = timings.queued(item: 1, at: start)
        #expect(timings.delivered(revision: 9, at: start + .milliseconds(1)) == nil)
        let commit = timings.committed(firstItem: 1, messages: 1, revision: 9, at: start + .milliseconds(2))
        #expect(commit.deliveredBeforeAnswer == .zero)
        #expect(timings.pending == (0, 0))
    }

    @Test func itemsQueuedBeforeTheNodeStartedAreNotTimed() {
        var timings = BroadcastTimings()
        // Items 1–3 were queued by the previous run; 4 by this one.
        _ = timings.queued(item: 4, at: start)
        let commit = timings.committed(firstItem: 1, messages: 4, revision: 20, at: start + .milliseconds(3))
        #expect(commit.queueWaits == [.milliseconds(3)])
    }

    @Test func memoryStaysBounded() {
        var timings = BroadcastTimings(limit: 8)
        for item in UInt64(1)...100 { _ = timings.queued(item: item, at: start) }
        for revision in Int64(1)...100 {
            _ = timings.committed(firstItem: 1000 + UInt64(revision), messages: 1, revision: revision, at: start)
            _ = timings.delivered(revision: 1000 + revision, at: start)
        }
        #expect(timings.pending.queued <= 8 && timings.pending.committed <= 8)
        // The newest are the ones kept.
        #expect(timings.committed(firstItem: 100, messages: 1, revision: 5000, at: start + .seconds(1)).queueWaits == [.seconds(1)])
    }
}
