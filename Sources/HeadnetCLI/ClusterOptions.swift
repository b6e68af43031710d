import ArgumentParser
import ClusterSpec
import Foundation
import Orchestrator

/// Options every devnet command shares.
struct ClusterOptions: ParsableArguments {
    @Argument(help: "The cluster spec.")
    var spec: String = "clusters/devnet.yaml"

    @Option(name: .customLong("state-dir"), help: "State root; the cluster lives in <state-dir>/<cluster>.")
    var stateDir: String = ".headnet"

    /// Reads the spec and makes the local runner for it.
    func runner(checkBinaries: Bool = true) throws -> LocalClusterRunner {
        let cluster: ClusterSpec
        do {
            cluster = try SpecReader.load(path: spec, checkBinaries: checkBinaries)
        } catch let error as SpecError {
            throw ValidationError("\(spec): \(error)")
        }
        return LocalClusterRunner(spec: cluster, specPath: spec, stateRoot: URL(fileURLWithPath: stateDir))
    }

    /// The node called `name`, or a usage error listing the nodes.
    func node(named name: String, in spec: ClusterSpec) throws -> NodeSpec {
        guard let node = spec.nodes.first(where: { $0.name == name }) else {
            throw ValidationError("no node named '\(name)' (nodes: \(spec.nodes.map(\.name).joined(separator: ", ")))")
        }
        return node
    }
}

/// Prints step reports as ✓/✗ lines, or as JSON lines.
struct StepPrinter: Sendable {
    let json: Bool

    func callAsFunction(_ report: StepReport) {
        print(json ? report.jsonLine : report.text)
    }
}
