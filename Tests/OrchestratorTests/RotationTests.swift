import ClusterSpec
import Foundation
import Testing

@testable import Orchestrator

/// `headnet certs rotate`: the plan (issue, client, each node between its stop and start, the
/// leader last, revocation at the very end) and its execution (a failure revokes nothing).
@Suite struct RotationTests {
    let three = RestartTests().three

    @Test func theRotationInstallsEachNodesCertificatesWhileItIsStoppedAndRevokesLast() throws {
        let plan = try RotationPlanner.plan(three).get()
        #expect(RestartTests().steps(plan) == [
            "issue-certificates ", "install-certificates ",
            "stop bob", "install-certificates bob", "start bob", "wait-ready bob", "wait-caught-up bob",
            "stop carol", "install-certificates carol", "start carol", "wait-ready carol", "wait-caught-up carol",
            "move alice→carol", "stop alice", "install-certificates alice", "start alice", "wait-ready alice", "wait-caught-up alice",
            "revoke-certificates ",
        ])
        #expect(plan.stages.allSatisfy { $0.steps.count == 1 }, "the first failure ends the plan")
        #expect(plan.steps[1] == .installCertificates(node: nil), "the client's certificate goes in before any node restarts")
    }

    @Test func theRotationIsRefusedWhereARollingRestartIs() {
        var down = three
        down.nodes[1].process = .none
        guard case .failure(let refusal) = RotationPlanner.plan(down) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(refusal.message.contains("bob is not running"))
        var missing = three
        missing.certificatesPresent = false
        guard case .failure(let noCertificates) = RotationPlanner.plan(missing) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(noCertificates.message.contains("certificates are missing"))
    }

    @Test func aFailedRestartEndsTheRotationWithNothingRevoked() async throws {
        let runner = RecordingRunner(nodes: ["alice", "bob", "carol"], failing: ["start carol"], observations: [three])
        for name in ["alice", "bob", "carol"] {
            runner.progressions.withLock { $0[name] = [NodeProgress(aliveKey: true, delivered: 10, newestMessage: 10)] }
        }
        let reports = PlanExecutorTests.Reports()
        let outcome = try await Orchestrator(runner: runner.roles).rotateCertificates { reports.add($0) }.get()
        #expect(!outcome.succeeded)
        #expect(runner.recorded == [
            "issue", "install client", "stop bob", "install bob", "start bob", "stop carol", "install carol", "start carol",
        ])
        #expect(!runner.recorded.contains("revoke"))
    }

    @Test func aRotationThatCannotIssueStopsNothing() async throws {
        let runner = RecordingRunner(nodes: ["alice", "bob", "carol"], failing: ["issue"], observations: [three])
        let reports = PlanExecutorTests.Reports()
        let outcome = try await Orchestrator(runner: runner.roles).rotateCertificates { reports.add($0) }.get()
        #expect(!outcome.succeeded)
        #expect(runner.recorded == ["issue"])
        #expect(reports.lines == ["✓ health: 1 checks pass", "✗ cannot issue new certificates: there is no CA key"], "the gate, then the failed issue")
    }

    @Test func aWholeRotationReportsEveryStep() async throws {
        let runner = RecordingRunner(nodes: ["alice", "bob", "carol"], observations: [three])
        for name in ["alice", "bob", "carol"] {
            runner.progressions.withLock { $0[name] = [NodeProgress(aliveKey: true, delivered: 10, newestMessage: 10)] }
        }
        let reports = PlanExecutorTests.Reports()
        #expect(try await Orchestrator(runner: runner.roles).rotateCertificates { reports.add($0) }.get().succeeded)
        #expect(runner.recorded.last == "revoke")
        #expect(runner.recorded.filter { $0.hasPrefix("install") } == ["install client", "install bob", "install carol", "install alice"])
        #expect(reports.lines.last == "✓ revoked 7 certificates")
    }
}
