import HeadnetCore
import NodeAPIModel
import Orchestrator
import Synchronization
import Testing

@testable import Drills

/// The load generator on a stepping clock, against a node double that queues each key once.
@Suite struct LoadGeneratorTests {
    /// A node API double: idempotent by key; `script` answers chosen attempts of chosen messages,
    /// and `losesAnswer` loses the answer of chosen attempts after queueing them.
    final class Node: BroadcastSink {
        let queued = Mutex<[String]>([])
        let attempts = Mutex<[String]>([])
        let script: @Sendable (_ message: String, _ attempt: Int) -> BroadcastAnswer?
        let losesAnswer: @Sendable (_ message: String, _ attempt: Int) -> Bool

        init(
            script: @escaping @Sendable (String, Int) -> BroadcastAnswer? = { _, _ in nil },
            losesAnswer: @escaping @Sendable (String, Int) -> Bool = { _, _ in false }
        ) {
            self.script = script
            self.losesAnswer = losesAnswer
        }

        func broadcast(through node: String, payload: [UInt8], key: String) async -> BroadcastAnswer {
            let sent = SequencedPayload.decode(prefix: payload.prefix(SequencedPayload.prefixBytes))!
            let message = "\(sent.sender)#\(sent.seq)"
            let attempt = attempts.withLock { attempts in
                attempts.append(message)
                return attempts.filter { $0 == message }.count
            }
            if let answer = script(message, attempt) { return answer }
            let replay = queued.withLock { queued in
                if queued.contains(key) { return true }
                queued.append(key)
                return false
            }
            if losesAnswer(message, attempt) { return .uncertain("connection reset") }
            return replay ? .replayed : .accepted
        }
    }

    func generator(_ senders: [String] = ["alice"]) -> LoadGenerator {
        var load = LoadGenerator(senders: senders, rate: 10, size: 64, runID: "run1")
        load.clock = AnyClock(SteppingClock())
        return load
    }

    @Test func everySenderSendsItsSequenceEachWithItsOwnKey() async {
        let node = Node()
        let record = LoadRecord()
        await generator(["alice", "bob"]).run(into: record, sink: node, stop: Interruption(), limit: 5)
        let sent = await record.sent
        #expect(sent.count == 10 && sent.allSatisfy { $0.outcome == .accepted && $0.attempts == 1 })
        #expect(sent.filter { $0.sender == "alice" }.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(Set(node.queued.withLock { $0 }).count == 10)
        #expect(node.queued.withLock { $0 }.contains("run1-bob-3"))
    }

    @Test func anUncertainMessageIsRetriedWithItsKeyBeforeTheNextIsSent() async {
        let node = Node { message, attempt in message == "alice#2" && attempt < 3 ? .uncertain("timed out") : nil }
        let record = LoadRecord()
        await generator().run(into: record, sink: node, stop: Interruption(), limit: 4)
        #expect(node.attempts.withLock { $0 } == ["alice#1", "alice#2", "alice#2", "alice#2", "alice#3", "alice#4"])
        let second = await record.sent[1]
        #expect(second.outcome == .accepted && second.attempts == 3)
        #expect(node.queued.withLock { $0 } == ["run1-alice-1", "run1-alice-2", "run1-alice-3", "run1-alice-4"])
    }

    /// The answer to an acceptance is lost (the node died after queueing): the retry with the
    /// key is answered as a replay, and the message is queued once.
    @Test func aLostAcceptanceIsRetriedAndAnsweredAsAReplay() async {
        let node = Node(losesAnswer: { message, attempt in message == "alice#2" && attempt == 1 })
        let record = LoadRecord()
        await generator().run(into: record, sink: node, stop: Interruption(), limit: 3)
        let sent = await record.sent
        #expect(sent.map(\.outcome) == [.accepted, .accepted, .accepted])
        #expect(sent[1].attempts == 2 && sent[1].replayed && !sent[0].replayed)
        #expect(node.queued.withLock { $0 } == ["run1-alice-1", "run1-alice-2", "run1-alice-3"])
        let report = InvariantChecker.check(sent: sent, journals: [:])
        #expect(report.retried == 1 && report.replayed == 1)
    }

    @Test func aRefusalIsRecordedAndTheSenderGoesOn() async {
        let node = Node { message, _ in message == "alice#2" ? .refused("503 queue full") : nil }
        let record = LoadRecord()
        await generator().run(into: record, sink: node, stop: Interruption(), limit: 3)
        #expect(await record.sent.map(\.outcome) == [.accepted, .refused, .accepted])
    }

    @Test func whatStaysUnansweredAfterTheStopAndItsGraceIsUncertain() async {
        let stop = Interruption()
        let node = Node { message, _ in
            guard message == "alice#2" else { return nil }
            stop.request()
            return .uncertain("connection refused")
        }
        let record = LoadRecord()
        await generator().run(into: record, sink: node, stop: stop)
        let sent = await record.sent
        #expect(sent.map(\.outcome) == [.accepted, .uncertain])
        #expect(sent[1].attempts > 5, "retried through the grace period")
    }
}
