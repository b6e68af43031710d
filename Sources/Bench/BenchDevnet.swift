import ClusterSpec
import Deploy
import Foundation
import Orchestrator
import Processes

/// The bench's own devnet: a generated spec on free ports in a temporary directory, brought up
/// and torn down (`down --purge`, then the directory removed) with the same code as
/// `headnet up` and `headnet down --purge`.
public struct BenchDevnet: Sendable {
    /// The temporary directory holding the spec (`clusters/bench.yaml`) and the state (`.headnet/`).
    public let directory: URL
    /// Runs the devnet's nodes.
    public let runner: LocalClusterRunner

    /// Writes the spec of a `nodes`-node devnet named `bench` on the first free block of ports
    /// (as `headnet init` picks them) into a new temporary directory.
    public static func create(nodes: Int, executable: String = ProcessControl.currentExecutable()) throws -> BenchDevnet {
        guard let first = SpecWriter.firstFreeListenPort(nodes: nodes, taken: [], isFree: { Ports.isFree(host: "127.0.0.1", port: $0) }) else {
            throw BenchError(.devnet, "no block of \(nodes) free ports between 5001 and 5999 (with their etcd client and API ports) for the bench's devnet; "
                + "stop a cluster or bench an existing one with --spec")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-bench-\(UUID().uuidString.prefix(8))")
        let spec = directory.appendingPathComponent("clusters/bench.yaml")
        do {
            try FileManager.default.createDirectory(at: spec.deletingLastPathComponent(), withIntermediateDirectories: true)
            try SpecWriter.devnet(name: "bench", nodes: nodes, tls: false, firstListenPort: first).write(to: spec, atomically: true, encoding: .utf8)
            let cluster = try SpecReader.load(path: spec.path, checkBinaries: true)
            return BenchDevnet(directory: directory, runner: LocalClusterRunner(spec: cluster, specPath: spec.path, executable: executable))
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw BenchError(.devnet, "cannot write the bench's devnet spec in \(directory.path)", cause: error)
        }
    }

    /// Starts every node and waits until all are ready (`headnet up`); the nodes are stopped
    /// again when that fails.
    public func up(timeoutSeconds: Int = 60, report: @escaping @Sendable (StepReport) -> Void) async throws {
        let outcome = await Orchestrator(runner: runner.roles).up(timeoutSeconds: timeoutSeconds) { report($0) }
        guard outcome.succeeded else {
            throw BenchError(.devnet, "the bench's devnet did not come up; see the failed step above")
        }
    }

    /// Stops every node and deletes the state and the directory (`headnet down --purge`).
    /// Returns a description of what is left, or nil when nothing is.
    public func down(report: @escaping @Sendable (StepReport) -> Void) async -> String? {
        let outcome = await Orchestrator(runner: runner.roles).down(purge: true) { report($0) }
        let left = runner.processes().filter { !$0.livePIDs.isEmpty }
        guard left.isEmpty, outcome.succeeded else {
            let pids = left.map { "\($0.name) (pid \($0.livePIDs.map(String.init).joined(separator: ", ")))" }.joined(separator: ", ")
            return "the bench's devnet in \(directory.path) was not removed completely\(pids.isEmpty ? "" : ": still running \(pids)"); "
                + "run `headnet down --purge -f \(runner.specArgument)`"
        }
        try? FileManager.default.removeItem(at: directory)
        return nil
    }
}
