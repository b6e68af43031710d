import ClusterSpec
import Deploy
import Foundation
import Testing

@testable import Orchestrator

/// `snapshot restore` as a plan on a recording host: every node staged before any is moved into
/// place, and a failure anywhere deletes what the restore wrote on every node.
@Suite struct RestoreExecutorTests {
    let snapshot = CheckedSnapshot(
        path: "/b/backup.db", integrity: SnapshotFile.Integrity(size: 20_512, expected: "ab12", actual: "ab12"),
        status: Etcdctl.SnapshotStatus(hash: 7, revision: 41, totalKey: 12, totalSize: 20_480))

    func restore(failing: Set<String> = []) async throws -> (RecordingRunner, UndoableOutcome, PlanExecutorTests.Reports) {
        let runner = RecordingRunner(nodes: ["alice", "bob", "carol"], failing: failing)
        let restores = try RestorePlanner.plan(
            spec: runner.spec, layout: StateLayout(spec: runner.spec, root: URL(fileURLWithPath: "/p/.headnet")), snapshot: snapshot.path,
            states: runner.spec.nodes.map { RestorePlanner.NodeState(node: $0.name) }, specArgument: "test.yaml")
        let reports = PlanExecutorTests.Reports()
        let outcome = await Orchestrator(runner: runner.roles).restore(restores, snapshot: snapshot) { reports.add($0) }
        return (runner, outcome, reports)
    }

    @Test func everyNodeIsStagedBeforeAnyIsMovedIntoPlace() async throws {
        let (runner, outcome, reports) = try await restore()
        #expect(outcome.succeeded && outcome.undo == nil)
        #expect(runner.recorded == ["stage alice", "stage bob", "stage carol", "install alice", "install bob", "install carol"])
        let lines = reports.lines
        #expect(lines.first == "✓ snapshot /b/backup.db: 20.0 KiB (20512 bytes), revision 41, sha256 ok")
        #expect(lines.contains { $0.hasPrefix("✓ bob: restored member 127.0.0.1:5002 into /p/.headnet/test/bob/etcd/") && $0.hasSuffix(".restoring") })
        #expect(reports.all.withLock { $0.map(\.step) } == ["snapshot-checked"] + Array(repeating: "restore-member", count: 3)
            + Array(repeating: "install-restore", count: 3))
    }

    @Test func aFailedStagingMovesNothingIntoPlaceAndDeletesWhatWasStaged() async throws {
        let (runner, outcome, reports) = try await restore(failing: ["stage bob"])
        #expect(!outcome.succeeded && outcome.undone == true)
        #expect(runner.recorded == ["stage alice", "stage bob", "stage carol", "rm etcd alice", "rm etcd bob", "rm etcd carol"])
        #expect(reports.lines.contains("✗ cannot restore bob's member from the snapshot: etcdctl snapshot restore: exit status 1"))
        #expect(reports.lines.suffix(3) == ["alice", "bob", "carol"].map { "✓ \($0): removed what the restore wrote (/state/\($0)/etcd)" })
    }

    @Test func aFailedMoveIntoPlaceUndoesTheNodesAlreadyMoved() async throws {
        let (runner, outcome, _) = try await restore(failing: ["install bob"])
        #expect(!outcome.succeeded && outcome.undone == true)
        #expect(runner.recorded.suffix(6) == ["install alice", "install bob", "install carol", "rm etcd alice", "rm etcd bob", "rm etcd carol"])
    }
}
