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
    /// A snapshot written by ``saveSnapshot(to:node:)``.
    public struct SavedSnapshot: Sendable, Hashable {
        /// The file, absolute.
        public var path: String
        /// The member it came from and why that one.
        public var source: SnapshotPlanner.Source
        /// The sha256 check of the file.
        public var integrity: SnapshotFile.Integrity
        /// What `etcdctl snapshot status` says of it; nil when etcdctl is not installed.
        public var status: Etcdctl.SnapshotStatus?
        /// Why there is no ``status``.
        public var statusProblem: String?
        /// Keys in the cluster at the snapshot's revision (a Range count on the same member);
        /// nil when it could not be counted.
        public var keys: Int64?
    }

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

    /// `headnet snapshot save`: streams a snapshot of the leader's member (or `node`'s) into
    /// `path` (through `<path>.part`), checks its sha256, and reads its revision with `etcdctl
    /// snapshot status` and its key count from the member. A file that fails the sha256 check
    /// is deleted.
    ///
    /// - Throws: ``OrchestratorError``: see ``SnapshotPlanner/source(_:node:spec:)``; `etcd` when
    ///   the stream fails; `snapshot` when the file fails its checks.
    public func saveSnapshot(to path: String, node: String? = nil) async throws -> SavedSnapshot {
        let path = URL(fileURLWithPath: path).standardizedFileURL.path
        let source = try SnapshotPlanner.source(try await readings(), node: node, spec: runner.specArgument)
        let member = try runner.spec.nodes.first { $0.name == source.member.node }.orThrow(source.member.node)
        // Into a file of its own first: a file already at `path` (an earlier backup) is replaced
        // only by a snapshot that passed its check, in one rename.
        let incoming = path + ".incoming"
        do {
            _ = try await runner.etcd.withMember(member, requestTimeout: .seconds(5)) { etcd in try await etcd.snapshot(to: incoming, endpoint: 0) }
        } catch {
            throw OrchestratorError(.etcd, "cannot take a snapshot of \(member.name)'s etcd into \(path)", cause: error)
        }
        let integrity = try SnapshotFile(path: incoming).check()
        guard integrity.ok else {
            try? FileManager.default.removeItem(atPath: incoming)
            throw OrchestratorError(
                .snapshot, "the snapshot from \(member.name) fails its sha256 check (it ends with \(integrity.expected), its data hashes to "
                    + "\(integrity.actual)); it was deleted\(FileManager.default.fileExists(atPath: path) ? " and \(path) left as it was" : ""). Take it again")
        }
        guard rename(incoming, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: incoming)
            throw OrchestratorError(.snapshot, "cannot move the snapshot into \(path): \(reason)")
        }
        var saved = SavedSnapshot(path: path, source: source, integrity: integrity)
        do {
            saved.status = try await Etcdctl(besides: runner.spec.etcd.binary).snapshotStatus(path)
        } catch {
            guard error.code == .tool else { throw error }
            saved.statusProblem = error.message
        }
        let revision = saved.status?.revision ?? 0
        saved.keys = try? await runner.etcd.withMember(member, requestTimeout: .seconds(5)) { etcd in
            try await etcd.range(EtcdKeyRange(key: [0], rangeEnd: [0]), EtcdRangeOptions(revision: revision, serializable: true, countOnly: true)).count
        }
        return saved
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
