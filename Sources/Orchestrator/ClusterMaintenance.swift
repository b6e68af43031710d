import ClusterSpec
import EtcdClient
import Foundation
import Processes

/// etcd maintenance of a cluster on this machine: `snapshot save`, `snapshot restore` and
/// `defrag`. The decisions are the planners' (``SnapshotPlanner``, ``RestorePlanner``,
/// ``DefragPlanner``); this type reads what they decide from and does what they decided.
///
/// ```swift
/// let maintenance = ClusterMaintenance(runner: runner)
/// let saved = try await maintenance.saveSnapshot(to: "backup.db")
/// print(saved.integrity.ok)
/// ```
public struct ClusterMaintenance: Sendable {
    /// The cluster and where its state is.
    public let runner: LocalClusterRunner

    /// Maintenance of the cluster `runner` runs.
    public init(runner: LocalClusterRunner) {
        self.runner = runner
    }

    /// Every node's member as it answers its Status call now, in spec order, read side by side.
    ///
    /// - Throws: ``OrchestratorError`` `wrongCluster` when another cluster's etcd answers on a
    ///   node's client port.
    public func readings() async throws -> [MemberReading] {
        try runner.checkClientPortsAreOurs()
        let expected = Set(runner.spec.nodes.map(\.advertise.description))
        let probe = runner.etcd
        let answers = await withTaskGroup(of: (Int, Result<MemberReading, OrchestratorError>).self) { group in
            for (index, node) in runner.spec.nodes.enumerated() {
                group.addTask {
                    do {
                        let (status, members) = try await probe.statusAndMembers(of: node)
                        let names = Set(members.map(\.name))
                        guard names == expected else {
                            return (index, .failure(.otherCluster(at: node, members: names, expected: expected)))
                        }
                        return (index, .success(MemberReading(node: node.name, status: status)))
                    } catch {
                        return (index, .success(MemberReading(node: node.name, error: "\(error)")))
                    }
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        return try runner.spec.nodes.indices.map { try answers[$0]!.get() }
    }

    /// `headnet snapshot save`: a snapshot of the leader's member (or `node`'s,
    /// ``SnapshotPlanner``) saved into `path` and checked, as a one-step plan
    /// (``Step/saveSnapshot(node:path:why:)``).
    ///
    /// - Throws: ``OrchestratorError``: see ``SnapshotPlanner/source(_:node:spec:)``; nothing was
    ///   written then.
    public func saveSnapshot(to path: String, node: String? = nil, report: @Sendable (StepReport) async -> Void) async throws -> Orchestrator.Outcome {
        let path = URL(fileURLWithPath: path).standardizedFileURL.path
        let source = try SnapshotPlanner.source(try await readings(), node: node, spec: runner.specArgument)
        let plan = Plan([.init([.saveSnapshot(node: source.member.node, path: path, why: source.why)])])
        return await Orchestrator(runner: runner.roles).outcome(plan, report: report)
    }

    /// `headnet defrag`: defragments every member, one at a time, followers first and the leader
    /// last (``DefragPlanner``), each a step reported as it ends; the first member that fails or
    /// has no leader afterwards ends the run.
    ///
    /// - Throws: ``OrchestratorError``: see ``DefragPlanner/order(_:spec:)``; nothing was
    ///   defragmented then.
    public func defragment(report: @Sendable (StepReport) async -> Void) async throws -> Orchestrator.Outcome {
        let plan = try DefragPlanner.plan(try await readings(), spec: runner.specArgument)
        return await Orchestrator(runner: runner.roles).outcome(plan, report: report)
    }
}

extension Optional where Wrapped == NodeSpec {
    /// The node, or `unknownNode` (the planners only name nodes of the spec, so this is a bug).
    func orThrow(_ name: String) throws(OrchestratorError) -> NodeSpec {
        guard let self else { throw OrchestratorError(.unknownNode, "no node named '\(name)' in the spec") }
        return self
    }
}
