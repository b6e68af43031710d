import ClusterSpec
import Foundation
import HeadnetCore
import Testing

@testable import Orchestrator

/// The health gate a library caller of restart and rotation gets, without the CLI.
@Suite struct HealthGateTests {
    let three = ClusterObservation(
        nodes: [.init(name: "alice", process: .running(1)), .init(name: "bob", process: .running(2)), .init(name: "carol", process: .running(3))],
        leader: "alice")

    @Test func aRestartOnAnUnhealthyClusterIsRefusedWithTheEvidenceAndChangesNothing() async throws {
        let runner = RecordingRunner(nodes: ["alice", "bob", "carol"], failing: ["health"], observations: [three])
        let reports = PlanExecutorTests.Reports()
        let result = await Orchestrator(runner: runner.roles).restart(["alice"], settleSeconds: 0) { reports.add($0) }
        guard case .failure(let refusal) = result else {
            Issue.record("restarted an unhealthy cluster: \(result)")
            return
        }
        #expect(refusal.code == .refused)
        #expect(refusal.message == "`headnet health` fails 1 check (node API on bob: bob does not answer). "
            + "Fix that first; a restart now could take quorum away or lose a node's catch-up")
        #expect(runner.recorded.isEmpty, "nothing stopped or moved")
        #expect(reports.lines == ["✗ `headnet health` fails 1 check (node API on bob: bob does not answer)\n    node API (bob): start it: `headnet up -f test.yaml`"])
    }

    @Test func aRotationOnAnUnhealthyClusterIssuesNothing() async throws {
        let runner = RecordingRunner(nodes: ["alice", "bob", "carol"], failing: ["health"], observations: [three])
        let result = await Orchestrator(runner: runner.roles).rotateCertificates { _ in }
        guard case .failure(let refusal) = result else {
            Issue.record("rotated on an unhealthy cluster: \(result)")
            return
        }
        #expect(refusal.message.hasPrefix("`headnet health` fails 1 check (node API on bob: bob does not answer)"))
        #expect(runner.recorded.isEmpty)
    }

    /// The local roles on a cluster none of whose nodes or etcd members runs.
    @Test func aRestartOfAClusterThatIsDownIsRefusedByTheGate() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-gate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let spec = ClusterSpec(
            name: "gate", nodes: ["alice", "bob", "carol"].enumerated().map { NodeSpec(name: $1, listen: Address(host: "127.0.0.1", port: 5931 + $0)) })
        let local = LocalClusterRunner(spec: spec, specPath: root.appendingPathComponent("gate.yaml").path, stateRoot: root)
        let reports = PlanExecutorTests.Reports()
        let result = await Orchestrator(runner: local.roles).restart(["alice"], settleSeconds: 0) { reports.add($0) }
        guard case .failure(let refusal) = result else {
            Issue.record("restarted a cluster that is down: \(result)")
            return
        }
        #expect(refusal.code == .refused && refusal.message.hasPrefix("`headnet health` fails"), "\(refusal)")
        #expect(refusal.message.contains("reachable on alice: no answer"), "the evidence names the member: \(refusal.message)")
        #expect(reports.lines.count == 1 && reports.lines[0].hasPrefix("✗ `headnet health` fails"), "\(reports.lines)")
    }
}
