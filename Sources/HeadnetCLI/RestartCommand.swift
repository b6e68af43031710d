import ArgumentParser
import ClusterSpec
import Foundation
import Orchestrator
import Processes

/// `headnet restart NODE` and `headnet restart --rolling`: quorum-safe restarts gated by
/// `headnet health`.
public struct RestartCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "restart", abstract: "Restart a node, or every node one at a time (--rolling), without taking quorum away.",
        discussion: """
            Refuses unless `headnet health` passes (warnings are fine). Nodes restart one at a time: \
            followers first, the leader last, after its leadership was moved to a restarted follower. \
            Per node: stop gracefully, start, wait until it is ready (etcd serves, connected, version \
            matches), then until it has caught up (its alive- key is back and it delivered up to the \
            newest message). The first failed step ends the run, saying what state the cluster is in. \
            Exit status: 0 when every node came back, 1 otherwise.
            """)

    /// The node to restart.
    @Argument(help: "The node to restart (or --rolling for all).")
    public var node: String?

    /// Every node.
    @Flag(help: "Restart every node, one at a time, the leader last.")
    public var rolling = false

    @OptionGroup var spec: SpecOption
    @OptionGroup var state: StateOption

    /// `--timeout`.
    @OptionGroup var wait: WaitOptions

    /// `--json`.
    @OptionGroup var output: StepOutputOptions

    /// Creates the command.
    public init() {}

    /// Checks the arguments; with --rolling a single argument is the spec.
    public mutating func validate() throws {
        if rolling, let given = node {
            guard spec.positional == nil else { throw ValidationError("--rolling restarts every node; do not name one (\(given))") }
            spec.positional = given
            node = nil
        }
        if !rolling, node == nil { throw ValidationError("name the node to restart, or give --rolling") }
    }

    /// Checks health, then restarts.
    public func run() async throws {
        let started = ContinuousClock.now
        let runner = try spec.runner(state: state)
        try runner.requireNodesOnThisMachine()
        let cluster = runner.spec
        let names = rolling ? cluster.nodes.map(\.name) : [try cluster.node(named: node!).name]
        let printer = output.printer
        let outcome: Orchestrator.Outcome
        switch await Orchestrator(runner: runner.roles).restart(names, timeoutSeconds: wait.timeout, report: { printer($0) }) {
        case .failure(let refusal): throw CLIError(.cluster, "not restarting: \(refusal.message)")
        case .success(let value): outcome = value
        }
        guard outcome.succeeded else {
            throw CLIError(.cluster, "restart stopped at the failed step. " + Self.stateAfterFailure(runner, specArgument: spec.path))
        }
        guard !output.json else { return }
        let elapsed = started.duration(to: .now)
        let seconds = elapsed.inSeconds
        print("restarted \(names.count == 1 ? names[0] : "\(names.count) nodes") of cluster '\(cluster.name)' in \(String(format: "%.1f", seconds)) s")
    }

    /// What runs after a failed step, and what to do.
    static func stateAfterFailure(_ runner: LocalClusterRunner, specArgument: String) -> String {
        let seen = zip(runner.spec.nodes, runner.processes())
        let running = seen.filter { $0.1.runningPID != nil }.map(\.0.name)
        let stopped = seen.filter { $0.1.runningPID == nil }.map(\.0.name)
        var text = "Running: \(running.isEmpty ? "none" : running.joined(separator: ", "))"
        if !stopped.isEmpty { text += "; not running: \(stopped.joined(separator: ", "))" }
        text += ". Nodes after the failed one were not touched. "
        text += stopped.isEmpty
            ? "Look at the failed node (`headnet logs NODE`), then check `headnet health -f \(specArgument)` before restarting again"
            : "Start what is down with `headnet up -f \(specArgument)`, then check `headnet health -f \(specArgument)`"
        return text
    }
}
