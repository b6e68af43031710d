import ClusterSpec
import Foundation
import HeadnetCore

extension PlanExecutor {
    /// Saves a snapshot of `node`'s member into `path`: streamed into `<path>.incoming`, its
    /// sha256 checked (a file that fails is deleted and `path` left as it was), renamed into
    /// place, then described with `etcdctl snapshot status` (its revision) and the member's key
    /// count at that revision.
    func saveSnapshot(_ step: Step, of node: NodeSpec, to path: String, why: String) async -> StepReport {
        let incoming = path + ".incoming"
        do {
            try await runner.membership.snapshot(of: node, to: incoming)
        } catch {
            return StepReport(step: step, outcome: .failed, message: "cannot take a snapshot of \(node.name)'s etcd into \(path): \(error)")
        }
        let integrity: SnapshotFile.Integrity
        do {
            integrity = try SnapshotFile(path: incoming).check()
        } catch {
            try? FileManager.default.removeItem(atPath: incoming)
            return StepReport(step: step, outcome: .failed, message: "cannot read the snapshot from \(node.name): \(error)")
        }
        guard integrity.ok else {
            try? FileManager.default.removeItem(atPath: incoming)
            return StepReport(
                step: step, outcome: .failed,
                message: "the snapshot from \(node.name) fails its sha256 check (it ends with \(integrity.expected), its data hashes to "
                    + "\(integrity.actual)); it was deleted\(FileManager.default.fileExists(atPath: path) ? " and \(path) left as it was" : ""). Take it again")
        }
        guard rename(incoming, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: incoming)
            return StepReport(step: step, outcome: .failed, message: "cannot move the snapshot into \(path): \(reason)")
        }
        let revision: String
        var keys = ""
        do {
            let status = try await Etcdctl(besides: runner.spec.etcd.binary).snapshotStatus(path)
            revision = "revision \(status.revision)"
            if let count = try? await runner.membership.keyCount(of: node, at: status.revision) { keys = ", \(count) key\(count == 1 ? "" : "s")" }
        } catch {
            guard error.code == .tool else {
                return StepReport(step: step, outcome: .failed, message: "\(path) was saved but etcdctl finds it damaged: \(error)")
            }
            revision = "revision unknown (\(error.message))"
        }
        return StepReport(
            step: step, outcome: .ok, message: "saved \(path) from \(node.name)'s etcd (\(why))",
            details: ["size \(ByteCount.text(integrity.size, exact: true)), \(revision)\(keys), sha256 ok (\(integrity.actual.prefix(16))…)"])
    }

    /// Stages a node's restore, or moves it into place.
    func restore(_ step: Step, _ restore: RestorePlanner.MemberRestore, on node: NodeSpec) async -> StepReport {
        let host = runner.host(of: node)
        if case .installRestore = step {
            do {
                try await host.installRestore(restore)
            } catch {
                return StepReport(step: step, outcome: .failed, message: "cannot move \(node.name)'s restored etcd data into place: \(error)")
            }
            return StepReport(step: step, outcome: .ok, message: "\(node.name): its etcd starts from \(restore.dataDirectory)")
        }
        do {
            try await host.stageRestore(restore)
        } catch {
            return StepReport(step: step, outcome: .failed, message: "cannot restore \(node.name)'s member from the snapshot: \(error)")
        }
        return StepReport(step: step, outcome: .ok, message: "\(node.name): restored member \(restore.member) into \(restore.stagingDirectory)")
    }

    /// Deletes what a failed restore wrote of a node's etcd data.
    func discardRestore(_ step: Step, _ node: NodeSpec) async -> StepReport {
        do {
            guard let path = try await runner.host(of: node).removeEtcdData(node) else {
                return StepReport(step: step, outcome: .skipped, message: "\(node.name): the restore wrote no etcd data")
            }
            return StepReport(step: step, outcome: .ok, message: "\(node.name): removed what the restore wrote (\(path))")
        } catch {
            return StepReport(
                step: step, outcome: .failed, message: "cannot remove what the restore wrote of \(node.name)'s etcd data: \(error)",
                details: ["`headnet down --purge -f \(runner.control.specArgument)` deletes it"])
        }
    }
}
