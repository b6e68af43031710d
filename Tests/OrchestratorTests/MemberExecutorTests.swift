import ClusterSpec
import Foundation
import HeadnetCore
import Health
import NodeAPIModel
import Synchronization
import Testing

@testable import Orchestrator

/// Member steps and the add/undo flow, on a runner that records what it is asked to do.
@Suite struct MemberExecutorTests {
    /// A four-member cluster (dave not started yet) whose roles record member changes.
    final class MemberRunner: Sendable {
        let spec: ClusterSpec
        let calls = Mutex<[String]>([])
        /// Calls that throw, e.g. `add dave`, `start dave`.
        let failing: Set<String>
        /// How many promote calls etcd answers "not in sync" before it agrees.
        let notInSync: Mutex<Int>
        /// Raft progress answers, one per call (the last repeats).
        let progress: Mutex<[(UInt64, UInt64)]>
        /// The leader's raft index of the answer dave's etcd gave last.
        let leaderIndex = Mutex<UInt64>(0)

        /// Whether dave's etcd answers before it is added (it does once added).
        let daveEtcdUp: Bool

        init(failing: Set<String> = [], notInSync: Int = 0, progress: [(UInt64, UInt64)] = [(10, 10)], daveEtcdUp: Bool = false) {
            self.daveEtcdUp = daveEtcdUp
            let names = ["alice", "bob", "carol", "dave"]
            spec = ClusterSpec(name: "test", nodes: names.enumerated().map { NodeSpec(name: $1, listen: Address(host: "127.0.0.1", port: 5001 + $0)) })
            self.failing = failing
            self.notInSync = Mutex(notInSync)
            self.progress = Mutex(progress)
        }

        func record(_ call: String) throws {
            calls.withLock { $0.append(call) }
            if failing.contains(call) { throw OrchestratorError(.node, "\(call) failed on purpose") }
        }
        var recorded: [String] { calls.withLock { $0 } }

        var roles: ClusterRunner {
            ClusterRunner(control: Control(log: self), reader: Reader(log: self), membership: Members(log: self), hosts: ["local": Host(log: self)])
        }

        struct Host: NodeHost {
            let log: MemberRunner

            func processes(of nodes: [NodeSpec]) async -> [ClusterObservation.Node] {
                let started = log.recorded.contains("start dave") && !log.failing.contains("start dave") && !log.recorded.contains("stop dave")
                return nodes.map { .init(name: $0.name, process: $0.name == "dave" && !started ? .none : .running(200)) }
            }
            func busyPorts(of node: NodeSpec) async -> [String] { [] }
            func start(_ node: NodeSpec) async throws -> Int32 {
                try log.record("start \(node.name)")
                return 200
            }
            func isRunning(_ node: NodeSpec) async -> Bool { true }
            func stoppedPID(of node: NodeSpec) async -> Int32? { nil }
            func signal(_ node: NodeSpec, _ signal: Int32, etcd: Bool) async -> Int32? { nil }
            func stop(_ node: NodeSpec, pid: Int32) async -> Bool {
                try? log.record("stop \(node.name)")
                return true
            }
            func stopEtcd(_ node: NodeSpec, pid: Int32) async -> Bool { true }
            func removePIDFile(_ node: NodeSpec) async {}
            func log(of node: NodeSpec, lines: Int) async -> (path: String, lines: [String]) { ("/state/\(node.name)/node.log", ["log of \(node.name)"]) }
            func storedBroadcasts(of node: NodeSpec) async -> Int { 0 }
            func lastKnownRevision(of node: NodeSpec) async -> Int64? { nil }
            func hasEtcdData(_ node: NodeSpec) async -> Bool { node.name != "dave" }
            func removeEtcdData(_ node: NodeSpec) async throws -> String? {
                try log.record("rm etcd \(node.name)")
                return "/state/\(node.name)/etcd"
            }
            func markJoiningExisting(_ node: NodeSpec) async throws { try log.record("mark joining \(node.name)") }
            func stageRestore(_ restore: RestorePlanner.MemberRestore) async throws {}
            func installRestore(_ restore: RestorePlanner.MemberRestore) async throws {}
        }

        struct Reader: NodeReader {
            let log: MemberRunner

            func isReady(_ node: NodeSpec) async -> Bool { !log.failing.contains("ready \(node.name)") }
            func status(of node: NodeSpec) async throws -> NodeStatus { throw OrchestratorError(.nodeDown, "not used by member plans") }
            func progress(of node: NodeSpec) async throws -> NodeProgress { throw OrchestratorError(.nodeDown, "not used by member plans") }
            /// alice (1) leads bob (2) and carol (3); dave's etcd answers once added, with the
            /// raft progress the test gives.
            func member(of node: NodeSpec) async throws -> EtcdMemberState {
                guard node.name == "dave" else {
                    let id = UInt64(log.spec.nodes.firstIndex { $0.name == node.name }! + 1)
                    return EtcdMemberState(memberID: id, leaderID: 1, raftIndex: log.leaderIndex.withLock { $0 })
                }
                guard log.daveEtcdUp || log.recorded.contains(where: { $0.hasPrefix("add dave") }) else { throw OrchestratorError(.etcd, "dave's etcd does not answer") }
                try log.record("progress dave")
                let (applied, leader) = log.progress.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
                log.leaderIndex.withLock { $0 = leader }
                return EtcdMemberState(memberID: 0xd, leaderID: 1, isLearner: true, raftIndex: leader, raftAppliedIndex: applied)
            }
            func leader(among nodes: [NodeSpec]) async -> String? { nodes.contains { $0.name == "alice" } ? "alice" : nil }
            func health(of spec: ClusterSpec, storedRevision: @escaping @Sendable (NodeSpec) async -> Int64?) async -> HealthReport {
                HealthReport(results: [])
            }
        }

        struct Members: Membership {
            let log: MemberRunner

            func members(asking nodes: [NodeSpec]) async throws -> [MemberObservation.Member] {
                ["alice", "bob", "carol"].enumerated().map { .init(id: UInt64($0 + 1), name: $1, peerURLs: ["http://127.0.0.1:\(5001 + $0)"], isLearner: false, node: $1) }
            }
            func addMember(_ node: NodeSpec, learner: Bool) async throws -> UInt64 {
                try log.record("add \(node.name)\(learner ? " learner" : "")")
                return 0xd
            }
            func removeMember(_ node: NodeSpec) async throws -> UInt64? {
                try log.record("remove \(node.name)")
                return 0xd
            }
            func promoteMember(_ node: NodeSpec) async throws -> Bool {
                try log.record("promote \(node.name)")
                return log.notInSync.withLock { left in
                    guard left > 0 else { return true }
                    left -= 1
                    return false
                }
            }
            func moveLeader(from: NodeSpec, to: NodeSpec) async throws { try log.record("move leader \(from.name) → \(to.name)") }
            func defragment(_ node: NodeSpec) async throws -> MemberDefragmentation { throw OrchestratorError(.etcd, "not used by member plans") }
            func snapshot(of node: NodeSpec, to path: String) async throws { throw OrchestratorError(.etcd, "not used by these plans") }
            func keyCount(of node: NodeSpec, at revision: Int64) async throws -> Int64 { 0 }
        }

        struct Control: ControlPlane {
            let log: MemberRunner

            var spec: ClusterSpec { log.spec }
            var certificatesPresent: Bool { true }
            var keepsCAKey: Bool { true }
            func isHeld(_ node: NodeSpec) -> Bool { false }
            func setHeld(_ node: NodeSpec, _ held: Bool) async throws {}
            func createCertificates() async throws -> String { "/pki" }
            func issueCertificates() async throws -> String { throw OrchestratorError(.state, "not used by member plans") }
            func installCertificates(of node: NodeSpec?) async throws -> String { throw OrchestratorError(.state, "not used by member plans") }
            func revokeCertificates() async throws -> String { throw OrchestratorError(.state, "not used by member plans") }
            func issueNodeCertificates(_ node: NodeSpec, in spec: ClusterSpec) async throws -> String {
                try log.record("certificates \(node.name)")
                return "/pki"
            }
            func writeSpec(_ text: String) async throws -> String {
                try log.record("write \(text)")
                return "/spec.yaml"
            }
            func purgeState() async throws -> String { "/state" }
            var specArgument: String { "test.yaml" }
        }
    }

    typealias Reports = PlanExecutorTests.Reports

    let dave = NodeSpec(name: "dave", listen: Address(host: "127.0.0.1", port: 5004))
    let edit = SpecEditor.Edit(text: "with dave", inPlace: true)

    func orchestrator(_ runner: MemberRunner) -> Orchestrator {
        var orchestrator = Orchestrator(runner: runner.roles)
        orchestrator.clock = AnyClock(SteppingClock())
        return orchestrator
    }

    func executor(_ runner: MemberRunner) -> PlanExecutor {
        var executor = PlanExecutor(runner: runner.roles)
        executor.clock = AnyClock(SteppingClock())
        return executor
    }

    @Test func aLearnerIsPromotedOnceEtcdFindsItInSync() async throws {
        let runner = MemberRunner(notInSync: 2, progress: [(3, 40), (39, 45), (41, 50)])
        let reports = Reports()
        let outcome = try await orchestrator(runner).addMember(dave, learner: true, spec: edit, originalSpec: "before") { reports.add($0) }
        #expect(outcome.succeeded && outcome.undo == nil)
        #expect(runner.recorded == [
            "add dave learner", "mark joining dave", "write with dave", "start dave", "progress dave", "progress dave", "progress dave",
            "promote dave", "promote dave", "promote dave",
        ])
        #expect(reports.lines.contains("✓ dave's etcd caught up: applied raft index 41, the leader's was 40"), "\(reports.lines)")
        #expect(reports.lines.contains("✓ promoted dave to a voting member (etcd found it in sync at attempt 3)"), "\(reports.lines)")
    }

    @Test func theFirstFailedStepEndsTheAddAndWhatWasDoneIsUndone() async throws {
        let runner = MemberRunner(failing: ["start dave"])
        let reports = Reports()
        let outcome = try await orchestrator(runner).addMember(dave, learner: true, spec: edit, originalSpec: "before") { reports.add($0) }
        #expect(!outcome.succeeded && outcome.undone == true)
        #expect(runner.recorded == ["add dave learner", "mark joining dave", "write with dave", "start dave", "remove dave", "write before"],
                "nothing after the failed start; then its member goes and the spec is put back")
        #expect(reports.lines.contains("✓ put /spec.yaml back as it was before"), "\(reports.lines)")
    }

    @Test func anAddThatFailsAfterTheStartStopsTheNodeAndDeletesItsData() async throws {
        let runner = MemberRunner(failing: ["ready dave"])
        let outcome = try await orchestrator(runner).addMember(dave, learner: false, spec: edit, originalSpec: "before", timeoutSeconds: 1) { _ in }
        #expect(!outcome.succeeded)
        #expect(runner.recorded == ["add dave", "mark joining dave", "write with dave", "start dave", "stop dave", "remove dave", "write before", "rm etcd dave"])
    }

    @Test func aRefusedMemberAddChangesNothing() async throws {
        let runner = MemberRunner()
        await #expect(throws: OrchestratorError.self) {
            try await orchestrator(runner).addMember(
                NodeSpec(name: "carol", listen: Address(host: "127.0.0.1", port: 5003)), learner: true, spec: edit, originalSpec: "before") { _ in }
        }
        #expect(runner.recorded.isEmpty)
    }

    @Test func aFailedRemovalStopsAtItsStep() async {
        let runner = MemberRunner(failing: ["move leader alice → bob"])
        let reports = Reports()
        let plan = Plan([
            .init([.moveLeader(from: "alice", to: "bob")]), .init([.member(.remove(node: "alice"))]),
        ])
        let succeeded = await executor(runner).execute(plan) { reports.add($0) }
        #expect(!succeeded)
        #expect(runner.recorded == ["move leader alice → bob"])
        #expect(reports.lines == [
            "✗ cannot move etcd leadership from alice to bob: move leader alice → bob failed on purpose\n    alice still leads and runs; nothing was stopped"
        ])
    }

    @Test func aCatchUpThatDoesNotComeTimesOut() async {
        let runner = MemberRunner(progress: [(1, 100)], daveEtcdUp: true)
        let reports = Reports()
        let succeeded = await executor(runner).execute(Plan([.init([.member(.waitCaughtUp(node: "dave", timeoutSeconds: 0))])])) { reports.add($0) }
        #expect(!succeeded)
        #expect(reports.lines.first?.hasPrefix("✗ dave's etcd did not catch up within 0 s (applied 1 of 100)") == true, "\(reports.lines)")
    }
}
