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
}
