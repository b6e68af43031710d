import ClusterSpec
import Foundation
import HeadnetCore
import Processes
import Testing

@testable import Orchestrator

/// `headnet restart`: the plan (leader last, refusals) and its execution (first failure ends
/// it, catching up), without processes.
@Suite struct RestartTests {
    let three = ClusterObservation(
        nodes: [.init(name: "alice", process: .running(1)), .init(name: "bob", process: .running(2)), .init(name: "carol", process: .running(3))],
        leader: "alice")

    func steps(_ plan: Plan) -> [String] {
        plan.steps.map { step in
            switch step {
            case .moveLeader(let from, let to): "move \(from)→\(to)"
            default: "\(step.kind) \(step.node ?? "")"
            }
        }
    }

    @Test func rollingRestartsFollowersFirstAndTheLeaderLastAfterMovingLeadership() throws {
        let plan = try RestartPlanner.plan(three, restarting: ["alice", "bob", "carol"]).get()
        #expect(steps(plan) == [
            "stop bob", "start bob", "wait-ready bob", "wait-caught-up bob",
            "stop carol", "start carol", "wait-ready carol", "wait-caught-up carol",
            "move alice→carol", "stop alice", "start alice", "wait-ready alice", "wait-caught-up alice",
        ])
        // One step per stage: the first failure ends the plan.
        #expect(plan.stages.allSatisfy { $0.steps.count == 1 })
        #expect(plan.steps.contains(.stop(node: "bob", pid: 2)))
    }

    @Test func restartingOneFollowerLeavesLeadershipAlone() throws {
        #expect(steps(try RestartPlanner.plan(three, restarting: ["carol"]).get()) == [
            "stop carol", "start carol", "wait-ready carol", "wait-caught-up carol",
        ])
    }

    @Test func restartingTheLeaderAloneHandsLeadershipToAFollowerFirst() throws {
        #expect(steps(try RestartPlanner.plan(three, restarting: ["alice"]).get()).prefix(2) == ["move alice→bob", "stop alice"])
    }

    @Test func aClusterWithANodeDownIsRefused() {
        var observation = three
        observation.nodes[2].process = .none
        guard case .failure(let refusal) = RestartPlanner.plan(observation, restarting: ["bob"]) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(refusal.code == .nodeDown)
        #expect(refusal.message.contains("carol is not running") && refusal.message.contains("quorum"))
    }

    @Test func noLeaderMeansNoQuorumAndIsRefused() {
        var observation = three
        observation.leader = nil
        guard case .failure(let refusal) = RestartPlanner.plan(observation, restarting: ["bob"]) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(refusal.message.contains("no etcd member leads"))
    }

    @Test func anUnknownNodeIsRefused() {
        guard case .failure(let refusal) = RestartPlanner.plan(three, restarting: ["dave"]) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(refusal.code == .unknownNode && refusal.message.contains("alice, bob, carol"))
    }

    @Test func theFirstFailedStepEndsTheRestart() async throws {
        let runner = RecordingRunner(nodes: ["alice", "bob", "carol"], failing: ["start carol"], observations: [three])
        for name in ["alice", "bob", "carol"] {
            runner.progressions.withLock { $0[name] = [NodeProgress(aliveKey: true, delivered: 10, newestMessage: 10)] }
        }
        let reports = PlanExecutorTests.Reports()
        let outcome = try await Orchestrator(runner: runner.roles).restart(["alice", "bob", "carol"]) { reports.add($0) }.get()
        #expect(!outcome.succeeded)
        #expect(runner.recorded == ["stop bob", "start bob", "stop carol", "start carol"], "alice (the leader) is not touched")
        #expect(reports.lines.last == "✗ cannot start carol: no such binary")
    }

    @Test func aFailedLeadershipMoveStopsNothing() async throws {
        let runner = RecordingRunner(nodes: ["alice", "bob", "carol"], failing: ["move alice"], observations: [three])
        let reports = PlanExecutorTests.Reports()
        let outcome = try await Orchestrator(runner: runner.roles).restart(["alice"]) { reports.add($0) }.get()
        #expect(!outcome.succeeded)
        #expect(runner.recorded == ["move leader alice → bob"])
        #expect(reports.lines.last?.contains("alice still leads and runs; nothing was stopped") == true)
    }

    @Test func catchingUpWaitsForTheAliveKeyAndTheNewestMessageAtTheStart() async {
        let runner = RecordingRunner(nodes: ["bob"])
        // The newest message is 40 when the wait starts; more keep coming (50, 60) but 40 is the goal.
        runner.progressions.withLock {
            $0["bob"] = [
                NodeProgress(aliveKey: false, delivered: 12, newestMessage: 40),
                NodeProgress(aliveKey: true, delivered: 30, newestMessage: 50),
                NodeProgress(aliveKey: true, delivered: 41, newestMessage: 60),
            ]
        }
        var executor = PlanExecutor(runner: runner.roles)
        executor.clock = AnyClock(SteppingClock())
        let reports = PlanExecutorTests.Reports()
        #expect(await executor.execute(Plan([.init([.waitCaughtUp(node: "bob", timeoutSeconds: 30)])])) { reports.add($0) })
        #expect(reports.lines == ["✓ bob caught up: alive key back, delivered through revision 41 (newest message 40 when it started)"])
    }

    @Test func aNodeThatDoesNotCatchUpFailsAtTheDeadlineSayingWhereItIs() async {
        let runner = RecordingRunner(nodes: ["bob"])
        runner.progressions.withLock { $0["bob"] = [NodeProgress(aliveKey: false, delivered: 12, newestMessage: 40)] }
        var executor = PlanExecutor(runner: runner.roles)
        executor.clock = AnyClock(SteppingClock())
        let reports = PlanExecutorTests.Reports()
        #expect(await !executor.execute(Plan([.init([.waitCaughtUp(node: "bob", timeoutSeconds: 0)])])) { reports.add($0) })
        #expect(reports.lines.first?.hasPrefix("✗ bob has not caught up after 0 s: delivered through revision 12 of 40; alive key missing") == true,
                "\(reports.lines)")
    }
}
