import ClusterSpec
import Deploy
import Foundation
import Processes

extension ClusterMaintenance {
    /// A snapshot file checked before a restore.
    public struct CheckedSnapshot: Sendable, Hashable {
        /// The file, absolute.
        public var path: String
        /// Its sha256 check.
        public var integrity: SnapshotFile.Integrity
        /// What `etcdctl snapshot status` says of it.
        public var status: Etcdctl.SnapshotStatus
    }

    /// Checks a snapshot file: its sha256 digest (``SnapshotFile``), then `etcdctl snapshot
    /// status` (bbolt's consistency check; the revision).
    ///
    /// - Throws: ``OrchestratorError`` `snapshot` when the file is missing or fails a check;
    ///   `tool` when etcdctl cannot be started.
    public func checkSnapshot(_ path: String) async throws -> CheckedSnapshot {
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
    public func restoreStates() -> [RestorePlanner.NodeState] {
        let scan = runner.nodes.scan()
        let fileManager = FileManager.default
        return zip(runner.spec.nodes, runner.processes(scan)).map { node, seen in
            let pids = Set(seen.livePIDs + scan.nodes[node.name, default: []] + scan.etcds[node.name, default: []]).sorted()
            let directory = runner.layout.nodeDirectory(node)
            var state: [String] = []
            let data = EtcdConfigRenderer.dataDirectory(spec: runner.spec, node: node, directory: directory)
            if let contents = try? fileManager.contentsOfDirectory(atPath: data.path), !contents.isEmpty {
                state.append("etcd data in \(data.path)")
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
            return RestorePlanner.NodeState(node: node.name, pids: pids, state: state)
        }
    }

    /// `headnet snapshot restore`: checks the snapshot, refuses while the cluster runs or has
    /// state (``RestorePlanner``), then restores every node's data directory with `etcdctl
    /// snapshot restore`: each into a staging directory first, all renamed into place only when
    /// every one succeeded. `checked` gets the snapshot once it passed its checks and the plan
    /// is made; `report` gets each node's restore as it is done. Returns the snapshot.
    ///
    /// - Throws: ``OrchestratorError``: see ``checkSnapshot(_:)`` and ``RestorePlanner``;
    ///   `snapshot` when etcdctl fails (nothing is left in place then).
    @discardableResult
    public func restore(
        from path: String, checked: @Sendable (CheckedSnapshot) async -> Void = { _ in },
        report: @Sendable (RestorePlanner.MemberRestore) async -> Void
    ) async throws -> CheckedSnapshot {
        let snapshot = try await checkSnapshot(path)
        let restores = try RestorePlanner.plan(
            spec: runner.spec, layout: runner.layout, snapshot: snapshot.path, states: restoreStates(), specArgument: runner.specArgument)
        await checked(snapshot)
        let etcdctl = Etcdctl(besides: runner.spec.etcd.binary)
        let fileManager = FileManager.default
        func discard() {
            for restore in restores { try? fileManager.removeItem(atPath: restore.stagingDirectory) }
        }
        for restore in restores {
            do {
                try? fileManager.removeItem(atPath: restore.stagingDirectory)  // left by an interrupted restore
                let parent = URL(fileURLWithPath: restore.stagingDirectory).deletingLastPathComponent()
                try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            } catch {
                discard()
                throw OrchestratorError(.state, "cannot prepare \(restore.node)'s etcd directory", cause: error)
            }
            let result: Command.Result
            do {
                result = try await etcdctl.run(restore.arguments)
            } catch {
                discard()
                throw error
            }
            guard result.status.isSuccess else {
                discard()
                throw OrchestratorError(
                    .snapshot, "`\(etcdctl.executable) \(restore.arguments.joined(separator: " "))` \(result.status): "
                        + "\(Etcdctl.lastLines(result.output)); no node was restored")
            }
        }
        for restore in restores {
            do {
                try fileManager.moveItem(atPath: restore.stagingDirectory, toPath: restore.dataDirectory)
            } catch {
                throw OrchestratorError(
                    .state, "cannot move \(restore.stagingDirectory) to \(restore.dataDirectory); `headnet down --purge -f \(runner.specArgument)` "
                        + "deletes what was restored, then restore again", cause: error)
            }
            await report(restore)
        }
        return snapshot
    }
}
