import ClusterSpec
import Foundation
import Synchronization
import Testing

@testable import Orchestrator

/// The executor's sequencing, with a runner that records what it is asked to do. (The local
/// runner itself is exercised with real processes in the CLI's black-box tests.)
@Suite struct PlanExecutorTests {
    final class RecordingRunner: ClusterRunner {
        let spec: ClusterSpec
        let calls = Mutex<[String]>([])
        let failing: Set<String>
        let ready: Set<String>

        /// What `observe()` returns, one after the other (the last one repeats).
        let observations: Mutex<[ClusterObservation]>

        init(nodes: [String], failing: Set<String> = [], ready: Set<String>? = nil, observations: [ClusterObservation] = []) {
            spec = ClusterSpec(name: "test", nodes: nodes.enumerated().map { NodeSpec(name: $1, listen: Address(host: "127.0.0.1", port: 5001 + $0)) })
            self.failing = failing
            self.ready = ready ?? Set(nodes)
            self.observations = Mutex(observations.isEmpty ? [ClusterObservation(nodes: [])] : observations)
        }

        func record(_ call: String) { calls.withLock { $0.append(call) } }
        var recorded: [String] { calls.withLock { $0 } }

        func observe() async -> ClusterObservation {
            observations.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
        }
        func busyPorts(of node: NodeSpec) async -> [String] {
            record("ports \(node.name)")
            return failing.contains("ports \(node.name)") ? ["api port 4002 is held by pid 7 (nc -l 4002)"] : []
        }
        func stopEtcd(_ node: NodeSpec, pid: Int32) async -> Bool {
            record("stop etcd \(node.name)")
            return true
        }
        func createCertificates() async throws -> String {
            record("certificates")
            return "/pki"
        }
        func start(_ node: NodeSpec) async throws -> Int32 {
            record("start \(node.name)")
            if failing.contains("start \(node.name)") { throw OrchestratorError(.node, "no such binary") }
            return 100
        }
        func isRunning(_ node: NodeSpec) async -> Bool { !failing.contains("exit \(node.name)") }
        func isReady(_ node: NodeSpec) async -> Bool { ready.contains(node.name) }
        func stop(_ node: NodeSpec, pid: Int32) async -> Bool {
            record("stop \(node.name)")
            return true
        }
        func removePIDFile(_ node: NodeSpec) async { record("rm \(node.name)") }
        func failureDetails(_ node: NodeSpec) async -> [String] { ["log of \(node.name)"] }
        func purgeState() async throws -> String {
            record("purge")
            return "/state"
        }
        func moveLeader(from leader: NodeSpec, to target: NodeSpec) async throws {
            record("move leader \(leader.name) → \(target.name)")
            if failing.contains("move \(leader.name)") { throw OrchestratorError(.state, "etcdserver: request timed out") }
        }
        func issueCertificates() async throws -> String {
            record("issue")
            if failing.contains("issue") { throw OrchestratorError(.state, "there is no CA key") }
            return "issued 7 certificates"
        }
        func installCertificates(of node: NodeSpec?) async throws -> String {
            record("install \(node?.name ?? "client")")
            return "installed \(node?.name ?? "client")"
        }
        func revokeCertificates() async throws -> String {
            record("revoke")
            return "revoked 7 certificates"
        }
        /// What `progress(of:)` answers per node, one after the other (the last one repeats).
        let progressions = Mutex<[String: [NodeProgress]]>([:])
        func progress(of node: NodeSpec) async throws -> NodeProgress {
            try progressions.withLock { all in
                guard var list = all[node.name], !list.isEmpty else { throw OrchestratorError(.nodeDown, "\(node.name) does not answer") }
                defer { if list.count > 1 { list.removeFirst(); all[node.name] = list } }
                return list[0]
            }
        }
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
        let succeeded = await PlanExecutor(runner: runner).execute(plan) { reports.add($0) }
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
        let succeeded = await PlanExecutor(runner: runner).execute(Plan([.init([.waitReady(node: "alice", timeoutSeconds: 5)])])) { reports.add($0) }
        #expect(!succeeded)
        #expect(reports.lines == ["✗ alice exited\n    log of alice"])
    }

    @Test func aNodeThatNeverGetsReadyFailsAtTheDeadline() async {
        let runner = RecordingRunner(nodes: ["alice"], ready: [])
        var executor = PlanExecutor(runner: runner)
        executor.readinessInterval = .milliseconds(10)
        let reports = Reports()
        #expect(await !executor.execute(Plan([.init([.waitReady(node: "alice", timeoutSeconds: 0)])])) { reports.add($0) })
        #expect(reports.lines == ["✗ alice not ready after 0 s\n    log of alice"])
    }

    @Test func reportsAreJSONLinesToo() async throws {
        let runner = RecordingRunner(nodes: ["alice"])
        let reports = Reports()
        #expect(await PlanExecutor(runner: runner).execute(Plan([.init([.start(node: "alice"), .stop(node: "alice", pid: 100)])])) { reports.add($0) })
        let objects = try reports.all.withLock { $0 }.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.jsonLine.utf8)) as? [String: Any])
        }
        #expect(objects.map { $0["step"] as? String } == ["start", "stop"])
        #expect(objects.map { $0["message"] as? String } == ["started alice (pid 100)", "stopped alice (pid 100)"])
        #expect(objects.allSatisfy { $0["node"] as? String == "alice" && $0["outcome"] as? String == "ok" && $0["seconds"] is Double })
    }

    @Test func theOrchestratorPlansFromWhatTheRunnerObserves() async {
        final class Observed: ClusterRunner, @unchecked Sendable {
            let inner: RecordingRunner
            var spec: ClusterSpec { inner.spec }
            init(_ inner: RecordingRunner) { self.inner = inner }
            func observe() async -> ClusterObservation {
                ClusterObservation(nodes: [.init(name: "alice", process: .running(1)), .init(name: "bob", process: .running(2))], leader: "alice")
            }
            func busyPorts(of node: NodeSpec) async -> [String] { await inner.busyPorts(of: node) }
            func createCertificates() async throws -> String { try await inner.createCertificates() }
            func start(_ node: NodeSpec) async throws -> Int32 { try await inner.start(node) }
            func isRunning(_ node: NodeSpec) async -> Bool { await inner.isRunning(node) }
            func isReady(_ node: NodeSpec) async -> Bool { await inner.isReady(node) }
            func stop(_ node: NodeSpec, pid: Int32) async -> Bool { await inner.stop(node, pid: pid) }
            func stopEtcd(_ node: NodeSpec, pid: Int32) async -> Bool { await inner.stopEtcd(node, pid: pid) }
            func removePIDFile(_ node: NodeSpec) async { await inner.removePIDFile(node) }
            func failureDetails(_ node: NodeSpec) async -> [String] { await inner.failureDetails(node) }
            func purgeState() async throws -> String { try await inner.purgeState() }
            func moveLeader(from leader: NodeSpec, to target: NodeSpec) async throws { try await inner.moveLeader(from: leader, to: target) }
            func progress(of node: NodeSpec) async throws -> NodeProgress { try await inner.progress(of: node) }
            func issueCertificates() async throws -> String { try await inner.issueCertificates() }
            func installCertificates(of node: NodeSpec?) async throws -> String { try await inner.installCertificates(of: node) }
            func revokeCertificates() async throws -> String { try await inner.revokeCertificates() }
        }
        let recording = RecordingRunner(nodes: ["alice", "bob"])
        let outcome = await Orchestrator(runner: Observed(recording)).down(purge: true) { _ in }
        #expect(outcome.succeeded)
        #expect(recording.recorded == ["stop bob", "stop alice", "purge"])
    }

    @Test func aFailedUpStopsWhatItStartedUnlessRetained() async {
        let before = ClusterObservation(nodes: [.init(name: "alice", process: .none), .init(name: "bob", process: .none)])
        let after = ClusterObservation(nodes: [.init(name: "alice", process: .running(100)), .init(name: "bob", process: .none)])
        for retain in [false, true] {
            let runner = RecordingRunner(nodes: ["alice", "bob"], failing: ["start bob"], observations: [before, after])
            let rolledBack = Reports()
            let outcome = await Orchestrator(runner: runner).up(
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
        #expect(await Orchestrator(runner: runner).down { reports.add($0) }.succeeded)
        #expect(Set(runner.recorded) == ["stop etcd alice", "stop bob"])
        #expect(reports.lines.contains("✓ stopped alice's leftover etcd (pid 300)"), "\(reports.lines)")
    }
}
