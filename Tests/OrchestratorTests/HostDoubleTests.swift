import ClusterSpec
import Foundation
import HeadnetCore
import Synchronization
import Testing

@testable import Orchestrator

/// A restart on a cluster whose one replaced role is the host: the double implements only
/// ``NodeHost``; the control plane, reader and membership are the local ones.
@Suite struct HostDoubleTests {
    /// A host whose nodes run until stopped and whose starts fail, as when the binary is gone.
    final class StartFailingHost: NodeHost {
        let calls = Mutex<[String]>([])
        var recorded: [String] { calls.withLock { $0 } }

        func processes(of nodes: [NodeSpec]) async -> [ClusterObservation.Node] {
            nodes.enumerated().map { .init(name: $1.name, process: .running(Int32(100 + $0))) }
        }
        func busyPorts(of node: NodeSpec) async -> [String] { [] }
        func start(_ node: NodeSpec) async throws -> Int32 {
            calls.withLock { $0.append("start \(node.name)") }
            throw OrchestratorError(.tool, "cannot start node \(node.name): /usr/local/bin/headnet: No such file or directory")
        }
        func isRunning(_ node: NodeSpec) async -> Bool { !recorded.contains("stop \(node.name)") }
        func stoppedPID(of node: NodeSpec) async -> Int32? { nil }
        func signal(_ node: NodeSpec, _ signal: Int32, etcd: Bool) async -> Int32? { nil }
        func stop(_ node: NodeSpec, pid: Int32) async -> Bool {
            calls.withLock { $0.append("stop \(node.name)") }
            return true
        }
        func stopEtcd(_ node: NodeSpec, pid: Int32) async -> Bool { true }
        func removePIDFile(_ node: NodeSpec) async {}
        func log(of node: NodeSpec, lines: Int) async -> (path: String, lines: [String]) { ("\(node.name).log", []) }
        func storedBroadcasts(of node: NodeSpec) async -> Int { 0 }
        func lastKnownRevision(of node: NodeSpec) async -> Int64? { nil }
        func hasEtcdData(_ node: NodeSpec) async -> Bool { true }
        func removeEtcdData(_ node: NodeSpec) async throws -> String? { nil }
        func markJoiningExisting(_ node: NodeSpec) async throws {}
        func stageRestore(_ restore: RestorePlanner.MemberRestore) async throws {}
        func installRestore(_ restore: RestorePlanner.MemberRestore) async throws {}
    }

    @Test func aRestartWhoseStartFailsEndsAtThatStep() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-host-double-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let spec = ClusterSpec(
            name: "double", nodes: ["alice", "bob", "carol"].enumerated().map { NodeSpec(name: $1, listen: Address(host: "127.0.0.1", port: 5001 + $0)) })
        let local = LocalClusterRunner(spec: spec, specPath: directory.appendingPathComponent("double.yaml").path, stateRoot: directory)
        let host = StartFailingHost()
        let runner = ClusterRunner(control: local.control, reader: local.roles.reader, membership: local.roles.membership, hosts: ["local": host])
        var observation = await runner.observe()
        observation.leader = "alice"  // no etcd runs here: who leads is given
        let plan = try RestartPlanner.plan(observation, restarting: ["bob"]).get()
        let reports = Mutex<[StepReport]>([])
        let succeeded = await PlanExecutor(runner: runner).execute(plan) { report in reports.withLock { $0.append(report) } }
        #expect(!succeeded)
        #expect(host.recorded == ["stop bob", "start bob"], "nothing after the failed start")
        let failed = try #require(reports.withLock { $0 }.last)
        #expect(failed.step == "start" && failed.outcome == .failed)
        #expect(failed.message == "cannot start bob: cannot start node bob: /usr/local/bin/headnet: No such file or directory")
    }
}
