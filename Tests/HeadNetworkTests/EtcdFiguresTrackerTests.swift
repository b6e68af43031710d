import Testing

@testable import HeadNetwork

/// Leader changes and the write rate, from successive status answers, without etcd.
@Suite struct EtcdFiguresTrackerTests {
    let start = ContinuousClock.now

    func sample(leader: UInt64, term: UInt64, revision: Int64 = 1) -> EtcdFiguresTracker.Sample {
        .init(member: 0xa1, leader: leader, raftTerm: term, raftIndex: 40, revision: revision, dbSize: 20480, dbSizeInUse: 16384)
    }

    @Test func theFirstLeaderIsNotAChange() {
        var tracker = EtcdFiguresTracker()
        tracker.record(sample(leader: 0xb2, term: 2), at: start)
        #expect(tracker.figures.hasLeader && tracker.figures.reachable)
        #expect(tracker.figures.leader == "b2" && tracker.figures.member == "a1")
        #expect(tracker.figures.leaderChanges == 0)
        #expect(tracker.figures.dbSizeBytes == 20480 && tracker.figures.dbSizeInUseBytes == 16384 && tracker.figures.raftIndex == 40)
    }

    @Test func aNewLeaderOrANewTermCountsOnce() {
        var tracker = EtcdFiguresTracker()
        let polls: [(leader: UInt64, term: UInt64, changes: Int, hasLeader: Bool)] = [
            (0xb2, 2, 0, true),
            (0xb2, 2, 0, true),  // same leader, same term
            (0, 2, 0, false),  // no leader: not a change by itself
            (0xc3, 3, 1, true),  // another leader
            (0xc3, 5, 2, true),  // re-elected in a later term
            (0xb2, 6, 3, true),
        ]
        for (offset, poll) in polls.enumerated() {
            tracker.record(sample(leader: poll.leader, term: poll.term), at: start + .seconds(offset))
            #expect(tracker.figures.leaderChanges == poll.changes, "poll \(offset)")
            #expect(tracker.figures.hasLeader == poll.hasLeader, "poll \(offset)")
        }
        #expect(tracker.figures.leader == "b2")
    }

    @Test func theWriteRateSpansTheWindow() {
        var tracker = EtcdFiguresTracker(window: .seconds(10))
        tracker.record(sample(leader: 1, term: 2, revision: 100), at: start)
        #expect(tracker.figures.revisionsPerSecond == nil, "one sample is no rate")
        tracker.record(sample(leader: 1, term: 2, revision: 100), at: start + .milliseconds(500))
        #expect(tracker.figures.revisionsPerSecond == nil, "under a second is no rate")
        tracker.record(sample(leader: 1, term: 2, revision: 150), at: start + .seconds(5))
        #expect(tracker.figures.revisionsPerSecond == 10)
        // Samples older than the window drop out: 150 → 250 over the last 10 s.
        tracker.record(sample(leader: 1, term: 2, revision: 250), at: start + .seconds(15))
        #expect(tracker.figures.revisionsPerSecond == 10)
        tracker.record(sample(leader: 1, term: 2, revision: 250), at: start + .seconds(25))
        #expect(tracker.figures.revisionsPerSecond == 0)
    }

    @Test func aRevisionGoingBackStartsAgain() {
        var tracker = EtcdFiguresTracker()
        tracker.record(sample(leader: 1, term: 2, revision: 900), at: start)
        tracker.record(sample(leader: 1, term: 2, revision: 5), at: start + .seconds(2))
        #expect(tracker.figures.revisionsPerSecond == nil)
        #expect(tracker.figures.revision == 5)
    }

    @Test func anUnansweredPollLosesTheLeaderButKeepsTheCount() {
        var tracker = EtcdFiguresTracker()
        tracker.record(sample(leader: 1, term: 2), at: start)
        tracker.record(sample(leader: 2, term: 3), at: start + .seconds(1))
        tracker.unreachable()
        #expect(!tracker.figures.reachable && !tracker.figures.hasLeader)
        #expect(tracker.figures.leaderChanges == 1)
    }
}
