import ClusterSpec
import Foundation
import HeadnetCore
import Health
import NodeAPIModel
import Synchronization

@testable import Orchestrator

/// A cluster whose four roles record what they are asked to do (the executor's sequencing
/// without processes or etcd; the local roles are exercised with real processes in the CLI's
/// black-box tests). Each role is a double of that role alone.
final class RecordingRunner: Sendable {
    let spec: ClusterSpec
    let calls = Mutex<[String]>([])
    let failing: Set<String>
    let ready: Set<String>
    /// What the host's processes and the reader's leader come from, one after the other (the
    /// last one repeats).
    let observations: Mutex<[ClusterObservation]>
    /// The observation the last `processes` call took.
    let current = Mutex<ClusterObservation>(ClusterObservation(nodes: []))
    /// How often the reader was asked whether a node is ready.
    let readyAsks = Mutex(0)
    /// What `progress(of:)` answers per node, one after the other (the last one repeats).
    let progressions = Mutex<[String: [NodeProgress]]>([:])

    init(nodes: [String], failing: Set<String> = [], ready: Set<String>? = nil, observations: [ClusterObservation] = []) {
        spec = ClusterSpec(name: "test", nodes: nodes.enumerated().map { NodeSpec(name: $1, listen: Address(host: "127.0.0.1", port: 5001 + $0)) })
        self.failing = failing
        self.ready = ready ?? Set(nodes)
        self.observations = Mutex(observations.isEmpty ? [ClusterObservation(nodes: [])] : observations)
    }

    func record(_ call: String) { calls.withLock { $0.append(call) } }
    var recorded: [String] { calls.withLock { $0 } }

    /// The runner of the four recording roles.
    var roles: ClusterRunner {
        ClusterRunner(control: Control(log: self), reader: Reader(log: self), membership: Members(log: self), hosts: ["local": Host(log: self)])
    }

    struct Host: NodeHost {
        let log: RecordingRunner

        func processes(of nodes: [NodeSpec]) async -> [ClusterObservation.Node] {
            let observation = log.observations.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
            log.current.withLock { $0 = observation }
            return observation.nodes
        }
        func busyPorts(of node: NodeSpec) async -> [String] {
            log.record("ports \(node.name)")
            return log.failing.contains("ports \(node.name)") ? ["api port 4002 is held by pid 7 (nc -l 4002)"] : []
        }
        func start(_ node: NodeSpec) async throws -> Int32 {
            log.record("start \(node.name)")
            if log.failing.contains("start \(node.name)") { throw OrchestratorError(.node, "no such binary") }
            return 100
        }
        func isRunning(_ node: NodeSpec) async -> Bool { !log.failing.contains("exit \(node.name)") }
        func stoppedPID(of node: NodeSpec) async -> Int32? { nil }
        func signal(_ node: NodeSpec, _ signal: Int32, etcd: Bool) async -> Int32? { nil }
        func stop(_ node: NodeSpec, pid: Int32) async -> Bool {
            log.record("stop \(node.name)")
            return true
        }
        func stopEtcd(_ node: NodeSpec, pid: Int32) async -> Bool {
            log.record("stop etcd \(node.name)")
            return true
        }
        func removePIDFile(_ node: NodeSpec) async { log.record("rm \(node.name)") }
        func log(of node: NodeSpec, lines: Int) async -> (path: String, lines: [String]) { ("/state/\(node.name)/node.log", ["log of \(node.name)"]) }
        func storedBroadcasts(of node: NodeSpec) async -> Int { 0 }
        func lastKnownRevision(of node: NodeSpec) async -> Int64? { nil }
        func hasEtcdData(_ node: NodeSpec) async -> Bool { true }
        func removeEtcdData(_ node: NodeSpec) async throws -> String? {
            log.record("rm etcd \(node.name)")
            return "/state/\(node.name)/etcd"
        }
        func markJoiningExisting(_ node: NodeSpec) async throws {}
        func stageRestore(_ restore: RestorePlanner.MemberRestore) async throws {
            log.record("stage \(restore.node)")
            if log.failing.contains("stage \(restore.node)") { throw OrchestratorError(.snapshot, "etcdctl snapshot restore: exit status 1") }
        }
        func installRestore(_ restore: RestorePlanner.MemberRestore) async throws {
            log.record("install \(restore.node)")
            if log.failing.contains("install \(restore.node)") { throw OrchestratorError(.state, "cannot move the staged directory") }
        }
    }

    struct Reader: NodeReader {
        let log: RecordingRunner

        func isReady(_ node: NodeSpec) async -> Bool {
            log.readyAsks.withLock { $0 += 1 }
            return log.ready.contains(node.name)
        }
        func status(of node: NodeSpec) async throws -> NodeStatus { throw OrchestratorError(.nodeDown, "\(node.name) does not answer") }
        func progress(of node: NodeSpec) async throws -> NodeProgress {
            try log.progressions.withLock { all in
                guard var list = all[node.name], !list.isEmpty else { throw OrchestratorError(.nodeDown, "\(node.name) does not answer") }
                defer { if list.count > 1 { list.removeFirst(); all[node.name] = list } }
                return list[0]
            }
        }
        func member(of node: NodeSpec) async throws -> EtcdMemberState { throw OrchestratorError(.etcd, "\(node.name)'s etcd does not answer") }
        func leader(among nodes: [NodeSpec]) async -> String? { log.current.withLock { $0.leader } }
        /// Every check passes unless `health` is failing.
        func health(of spec: ClusterSpec, storedRevision: @escaping @Sendable (NodeSpec) async -> Int64?) async -> HealthReport {
            guard log.failing.contains("health") else { return HealthReport(results: [CheckResult(check: "has leader", verdict: .ok, evidence: "alice leads")]) }
            return HealthReport(results: [
                CheckResult(check: "has leader", verdict: .ok, evidence: "alice leads"),
                CheckResult(check: "node API", subject: "bob", verdict: .fail, evidence: "bob does not answer", hint: "start it: `headnet up`"),
            ])
        }
    }

    struct Members: Membership {
        let log: RecordingRunner

        func members(asking nodes: [NodeSpec]) async throws -> [MemberObservation.Member] { [] }
        func addMember(_ node: NodeSpec, learner: Bool) async throws -> UInt64 { throw OrchestratorError(.etcd, "not used by these plans") }
        func removeMember(_ node: NodeSpec) async throws -> UInt64? { throw OrchestratorError(.etcd, "not used by these plans") }
        func promoteMember(_ node: NodeSpec) async throws -> Bool { throw OrchestratorError(.etcd, "not used by these plans") }
        func moveLeader(from leader: NodeSpec, to target: NodeSpec) async throws {
            log.record("move leader \(leader.name) → \(target.name)")
            if log.failing.contains("move \(leader.name)") { throw OrchestratorError(.state, "etcdserver: request timed out") }
        }
        func snapshot(of node: NodeSpec, to path: String) async throws { throw OrchestratorError(.etcd, "not used by these plans") }
        func keyCount(of node: NodeSpec, at revision: Int64) async throws -> Int64 { 0 }
        /// 2 MiB → 1 MiB; without a leader afterwards when `leaderless <node>` is failing.
        func defragment(_ node: NodeSpec) async throws -> MemberDefragmentation {
            log.record("defragment \(node.name)")
            if log.failing.contains("defragment \(node.name)") { throw OrchestratorError(.etcd, "etcdserver: request timed out") }
            let leads = log.current.withLock { $0.leader } == node.name
            return MemberDefragmentation(
                before: MemberReading(node: node.name, leads: leads, dbSize: 2 << 20, dbSizeInUse: 1 << 20),
                after: MemberReading(node: node.name, leads: leads, hasLeader: !log.failing.contains("leaderless \(node.name)"), dbSize: 1 << 20, dbSizeInUse: 1 << 20),
                seconds: 0.25)
        }
    }

    struct Control: ControlPlane {
        let log: RecordingRunner

        var spec: ClusterSpec { log.spec }
        var certificatesPresent: Bool { log.current.withLock { $0.certificatesPresent } }
        var keepsCAKey: Bool { true }
        func isHeld(_ node: NodeSpec) -> Bool { log.current.withLock { $0.nodes.first { $0.name == node.name }?.held ?? false } }
        func setHeld(_ node: NodeSpec, _ held: Bool) async throws { log.record("\(held ? "hold" : "release") \(node.name)") }
        func createCertificates() async throws -> String {
            log.record("certificates")
            return "/pki"
        }
        func issueCertificates() async throws -> String {
            log.record("issue")
            if log.failing.contains("issue") { throw OrchestratorError(.state, "there is no CA key") }
            return "issued 7 certificates"
        }
        func installCertificates(of node: NodeSpec?) async throws -> String {
            log.record("install \(node?.name ?? "client")")
            return "installed \(node?.name ?? "client")"
        }
        func revokeCertificates() async throws -> String {
            log.record("revoke")
            return "revoked 7 certificates"
        }
        func issueNodeCertificates(_ node: NodeSpec, in spec: ClusterSpec) async throws -> String { throw OrchestratorError(.state, "not used by these plans") }
        func writeSpec(_ text: String) async throws -> String { throw OrchestratorError(.state, "not used by these plans") }
        func purgeState() async throws -> String {
            log.record("purge")
            return "/state"
        }
        var specArgument: String { "test.yaml" }
    }
}
