import Foundation
import NodeAPIModel
import Testing

@testable import Drills

/// The checker compares every journal with the load record, and it can fail: each kind of
/// violation is planted and reported with the message's sender and sequence number.
@Suite struct InvariantCheckerTests {
    /// A journal of `messages` (sender, seq), revisions counting up from 10.
    static func journal(_ messages: [(String, Int)], revisions: [Int64]? = nil) -> [JournalEntry] {
        messages.enumerated().map { index, message in
            let payload = SequencedPayload(sender: message.0, seq: message.1).encoded(size: 64)
            return JournalEntry(
                index: index + 1, revision: revisions?[index] ?? Int64(10 + index), batchIndex: 0, sender: "127.0.0.1:5001",
                payload: Data(payload).base64EncodedString())
        }
    }

    let sent = [("alice", 1), ("alice", 2), ("bob", 1), ("alice", 3)].map { SentMessage(sender: $0.0, seq: $0.1, outcome: .accepted) }
    var delivered: [(String, Int)] { [("alice", 1), ("alice", 2), ("bob", 1), ("alice", 3)] }

    @Test func aCleanRunHoldsEveryExpectation() {
        let report = InvariantChecker.check(sent: sent, journals: ["n1": Self.journal(delivered), "n2": Self.journal(delivered)])
        #expect(report.failures(Drill.Expectations()).isEmpty)
        #expect(report.accepted == 4 && report.nodes.map(\.delivered) == [4, 4])
    }

    @Test func aLostMessageIsNamedWithItsSenderAndSequence() {
        let report = InvariantChecker.check(
            sent: sent, journals: ["n1": Self.journal(delivered), "n2": Self.journal(delivered.filter { $0 != ("alice", 2) })])
        #expect(report.failures(Drill.Expectations()) == ["n2 lost 1 accepted message: alice#2 (revision 11)"])
    }

    @Test func duplicatesOrderAndStrangersAreEachReported() {
        let refused = sent + [SentMessage(sender: "bob", seq: 2, outcome: .refused)]
        let journal = Self.journal([("alice", 1), ("alice", 3), ("alice", 2), ("bob", 1), ("bob", 1), ("bob", 2), ("carol", 9)])
        let failures = InvariantChecker.check(sent: refused, journals: ["n1": journal]).failures(Drill.Expectations())
        #expect(failures == [
            "n1 delivered 1 message again: bob#1 (revision 14, journal index 5)",
            "n1 delivered 1 message out of its sender's order: alice#2 (revision 12, journal index 3)",
            "n1 delivered 2 messages that no node accepted: bob#2 (revision 15, journal index 6), carol#9 (revision 16, journal index 7)",
        ])
    }

    @Test func anUncertainMessageMayBeDeliveredOnceOrNotAtAll() {
        let record = sent + [SentMessage(sender: "bob", seq: 2, outcome: .uncertain, attempts: 3)]
        let report = InvariantChecker.check(
            sent: record, journals: ["n1": Self.journal(delivered + [("bob", 2)]), "n2": Self.journal(delivered)])
        #expect(report.failures(Drill.Expectations()).isEmpty && report.uncertain == 1)
    }

    @Test func messagesInAReportedMissedRangeAreMissedNotLost() {
        // n2 was down while revisions 11…12 were compacted: it reports them missed.
        let late = delivered.filter { $0 != ("alice", 2) && $0 != ("bob", 1) }
        let journals = ["n1": Self.journal(delivered), "n2": Self.journal(late, revisions: [10, 13])]
        let report = InvariantChecker.check(sent: sent, journals: journals, missed: ["n2": [11...12]])
        #expect(report.nodes[1].missed.map(\.description) == ["alice#2 (revision 11)", "bob#1 (revision 12)"] && report.nodes[1].lost.isEmpty)
        var expectations = Drill.Expectations()
        #expect(report.failures(expectations) == ["n2 missed 2 messages to compaction (reported): alice#2 (revision 11), bob#1 (revision 12)"])
        expectations.missedReported = true
        #expect(report.failures(expectations).isEmpty)
        let unreported = InvariantChecker.check(sent: sent, journals: ["n1": Self.journal(delivered), "n2": Self.journal(delivered)])
        #expect(unreported.failures(expectations) == ["no node reported missed revisions (MessagesMissed), though the drill expects it"])
    }

    @Test func otherClientsMessagesAreLeftOut() {
        var journal = Self.journal(delivered)
        journal.append(JournalEntry(index: 5, revision: 20, batchIndex: 0, sender: "127.0.0.1:5002", payload: Data("hello".utf8).base64EncodedString()))
        #expect(InvariantChecker.check(sent: sent, journals: ["n1": journal]).failures(Drill.Expectations()).isEmpty)
    }
}
