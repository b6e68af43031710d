import ClusterSpec
import Foundation
import HeadnetCore
import Synchronization
import Testing

@testable import Orchestrator

/// The executor's sequencing, with a runner that records what it is asked to do. (The local
/// runner itself is exercised with real processes in the CLI's black-box tests.)
@Suite struct PlanExecutorTests {
    /// The details of a failed wait for `node` as the runner gives them (its log, the etcd log command).
    static func logDetails(_ node: String) -> String {
        "    last lines of /state/\(node)/node.log:\n      log of \(node)\n    `headnet logs \(node) --etcd --spec test.yaml` shows its etcd's log"
    }

    final class Reports: Sendable {
        let all = Mutex<[StepReport]>([])
        func add(_ report: StepReport) { all.withLock { $0.append(report) } }
        var lines: [String] { all.withLock { $0.map(\.text) } }
    }

    @Test func aFailedStageEndsThePlanAfterItsOtherSteps() async {
        let runner = RecordingRunner(nodes: ["alice", "bob"], failing: ["ports bob"])
        let plan = Plan([
            .init([.checkPorts(node: "alice"), .checkPorts(node: "bob")]),
            .init([.start(node: "alice"), .start(node: "bob")]),
        ])
        let reports = Reports()
        let succeeded = await PlanExecutor(runner: runner.roles).execute(plan) { reports.add($0) }
        #expect(!succeeded)
        #expect(runner.recorded == ["ports alice", "ports bob"], "every port is checked, nothing starts")
        #expect(reports.lines == [
            "✓ alice: no other process holds ports 5001, 2379, 4001",
            "✗ bob: api port 4002 is held by pid 7 (nc -l 4002)\n    stop that process or give the node other ports in the spec; nothing was started",
        ])
    }

    @Test func aNodeThatExitsWhileStartingIsNamedWithItsLog() async {
        let runner = RecordingRunner(nodes: ["alice"], failing: ["exit alice"], ready: [])
        let reports = Reports()
        let succeeded = await PlanExecutor(runner: runner.roles).execute(Plan([.init([.waitReady(node: "alice", timeoutSeconds: 5)])])) { reports.add($0) }
        #expect(!succeeded)
        #expect(reports.lines == ["✗ alice exited\n" + Self.logDetails("alice")])
    }

    @Test func aNodeThatNeverGetsReadyFailsAtTheDeadline() async {
        let runner = RecordingRunner(nodes: ["alice"], ready: [])
        var executor = PlanExecutor(runner: runner.roles)
        executor.clock = AnyClock(SteppingClock())
        let reports = Reports()
        #expect(await !executor.execute(Plan([.init([.waitReady(node: "alice", timeoutSeconds: 0)])])) { reports.add($0) })
        #expect(reports.lines == ["✗ alice not ready after 0 s\n" + Self.logDetails("alice")])
    }

    @Test func aThirtySecondWaitAsksEveryTenthOfASecondOnTheClockItIsGiven() async {
        let runner = RecordingRunner(nodes: ["alice"], ready: [])
        let clock = SteppingClock()
        var executor = PlanExecutor(runner: runner.roles)
        executor.clock = AnyClock(clock)
        let reports = Reports()
        #expect(await !executor.execute(Plan([.init([.waitReady(node: "alice", timeoutSeconds: 30)])])) { reports.add($0) })
        #expect(runner.readyAsks.withLock { $0 } == 301, "at 0, 0.1, …, 30 s")
        #expect(clock.now.offset == .seconds(30))
        #expect(reports.lines == ["✗ alice not ready after 30 s\n" + Self.logDetails("alice")])
    }

    @Test func defragmentationGoesMemberByMemberAndStopsAtOneLeftWithoutALeader() async throws {
        let runner = RecordingRunner(nodes: ["alice", "bob", "carol"], failing: ["leaderless bob"])
        let plan = try DefragPlanner.plan(
            [MemberReading(node: "alice", leads: true), MemberReading(node: "bob", leads: false), MemberReading(node: "carol", leads: false)], spec: "t.yaml")
        let reports = Reports()
        let end = await PlanExecutor(runner: runner.roles).run(plan) { reports.add($0) }
        #expect(end == .failed(.defragment(node: "bob")))
        #expect(runner.recorded == ["defragment bob"], "carol and alice (the leader, last) are left as they were")
        #expect(reports.lines == [
            "✗ bob (follower): db 2.0 MiB → 1.0 MiB, in use 1.0 MiB → 1.0 MiB (0.25 s); its etcd has no leader after its defragmentation\n"
                + "    `headnet status -f test.yaml` shows why"
        ])
    }

    @Test func reportsAreJSONLinesToo() async throws {
        let runner = RecordingRunner(nodes: ["alice"])
        let reports = Reports()
        #expect(await PlanExecutor(runner: runner.roles).execute(Plan([.init([.start(node: "alice"), .stop(node: "alice", pid: 100)])])) { reports.add($0) })
        let objects = try reports.all.withLock { $0 }.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.jsonLine.utf8)) as? [String: Any])
        }
        #expect(objects.map { $0["step"] as? String } == ["start", "stop"])
        #expect(objects.map { $0["message"] as? String } == ["started alice (pid 100)", "stopped alice (pid 100)"])
        #expect(objects.allSatisfy { $0["node"] as? String == "alice" && $0["outcome"] as? String == "ok" && $0["seconds"] is Double })
    }

    @Test func theOrchestratorPlansFromWhatTheRunnerObserves() async {
        let observed = ClusterObservation(nodes: [.init(name: "alice", process: .running(1)), .init(name: "bob", process: .running(2))], leader: "alice")
        let recording = RecordingRunner(nodes: ["alice", "bob"], observations: [observed])
        let outcome = await Orchestrator(runner: recording.roles).down(purge: true) { _ in }
        #expect(outcome.succeeded)
        #expect(recording.recorded == ["stop bob", "stop alice", "purge"])
    }

    @Test func aFailedUpStopsWhatItStartedUnlessRetained() async {
        let before = ClusterObservation(nodes: [.init(name: "alice", process: .none), .init(name: "bob", process: .none)])
        let after = ClusterObservation(nodes: [.init(name: "alice", process: .running(100)), .init(name: "bob", process: .none)])
        for retain in [false, true] {
            let runner = RecordingRunner(nodes: ["alice", "bob"], failing: ["start bob"], observations: [before, after])
            let rolledBack = Reports()
            let outcome = await Orchestrator(runner: runner.roles).up(
                retain: retain, rollback: { rolledBack.add(StepReport(step: .purgeState, outcome: .ok, message: "rollback")) }) { _ in }
            #expect(!outcome.succeeded)
            #expect(runner.recorded == ["ports alice", "ports bob", "start alice", "start bob"] + (retain ? [] : ["stop alice"]))
            #expect(rolledBack.lines.count == (retain ? 0 : 1))
        }
    }

    @Test func downStopsLeftoverEtcdAndHandStartedNodes() async {
        let observation = ClusterObservation(nodes: [
            .init(name: "alice", process: .none, leftoverEtcd: 300),
            .init(name: "bob", process: .none, unrecorded: [200]),
        ])
        let runner = RecordingRunner(nodes: ["alice", "bob"], observations: [observation])
        let reports = Reports()
        #expect(await Orchestrator(runner: runner.roles).down { reports.add($0) }.succeeded)
        #expect(Set(runner.recorded) == ["stop etcd alice", "stop bob"])
        #expect(reports.lines.contains("✓ stopped alice's leftover etcd (pid 300)"), "\(reports.lines)")
    }
}
