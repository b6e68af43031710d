import ClusterSpec
import Foundation
import HeadnetCore

extension ClusterMaintenance {
    /// Checks a snapshot file: its sha256 digest (``SnapshotFile``), then `etcdctl snapshot
    /// status` (bbolt's consistency check; the revision).
    ///
    /// - Throws: ``OrchestratorError`` `snapshot` when the file is missing or fails a check;
    ///   `tool` when etcdctl cannot be started.
    public func checkSnapshot(_ path: String) async throws(OrchestratorError) -> CheckedSnapshot {
        let path = URL(fileURLWithPath: path).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw OrchestratorError(.snapshot, "no snapshot at \(path); `headnet snapshot save FILE` writes one")
        }
        let integrity = try SnapshotFile(path: path).check()
        guard integrity.ok else {
            throw OrchestratorError(
                .snapshot, "\(path) fails its sha256 check: it ends with \(integrity.expected), its data hashes to \(integrity.actual). "
                    + "The file is damaged; restore another snapshot")
        }
        let status = try await Etcdctl(besides: runner.spec.etcd.binary).snapshotStatus(path)
        return CheckedSnapshot(path: path, integrity: integrity, status: status)
    }

    /// What stands in the way of a restore on each node: its running processes and its state
    /// (``RestorePlanner/NodeState``).
    public func restoreStates() async -> [RestorePlanner.NodeState] {
        let scan = runner.nodes.scan()
        let fileManager = FileManager.default
        var states: [RestorePlanner.NodeState] = []
        for (node, seen) in zip(runner.spec.nodes, runner.processes(scan)) {
            let pids = Set(seen.livePIDs + scan.nodes[node.name, default: []] + scan.etcds[node.name, default: []]).sorted()
            let directory = runner.layout.nodeDirectory(node)
            var state: [String] = []
            if await runner.roles.host(of: node).hasEtcdData(node) {
                state.append("etcd data in \(directory.appendingPathComponent(NodeStateFiles.etcdData).path)")
            }
            for name in RestorePlanner.nodeStateFiles {
                let file = directory.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                guard fileManager.fileExists(atPath: file.path, isDirectory: &isDirectory) else { continue }
                let empty = isDirectory.boolValue
                    ? (try? fileManager.contentsOfDirectory(atPath: file.path))?.isEmpty == true
                    : ((try? fileManager.attributesOfItem(atPath: file.path))?[.size] as? NSNumber)?.int64Value == 0
                if !empty { state.append(name) }
            }
            states.append(RestorePlanner.NodeState(node: node.name, pids: pids, state: state))
        }
        return states
    }

    /// `headnet snapshot restore`: checks the snapshot, refuses while the cluster runs or has
    /// state (``RestorePlanner``), then restores every node's etcd data as a plan
    /// (``Orchestrator/restore(_:snapshot:report:)``): each into a staging directory first, all
    /// moved into place only when every one succeeded, what was written deleted again when a
    /// step fails. Returns the snapshot and the outcome.
    ///
    /// - Throws: ``OrchestratorError``: see ``checkSnapshot(_:)`` and ``RestorePlanner``;
    ///   nothing was written then.
    public func restore(
        from path: String, report: @Sendable (StepReport) async -> Void
    ) async throws(OrchestratorError) -> (snapshot: CheckedSnapshot, outcome: UndoableOutcome) {
        let snapshot = try await checkSnapshot(path)
        let restores = try RestorePlanner.plan(
            spec: runner.spec, layout: runner.layout, snapshot: snapshot.path, etcdctl: Etcdctl(besides: runner.spec.etcd.binary).executable,
            states: await restoreStates(), specArgument: runner.specArgument)
        return (snapshot, await Orchestrator(runner: runner.roles).restore(restores, snapshot: snapshot, report: report))
    }
}
