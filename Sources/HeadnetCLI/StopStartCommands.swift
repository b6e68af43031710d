import ArgumentParser
import Orchestrator

/// `headnet stop NODE`: stops one node and keeps it stopped across `up` (compose's `stop`).
public struct StopCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop one node (SIGINT, SIGTERM after 5 s) and keep it stopped: `up` leaves it alone until `start`.",
        discussion: "`headnet down` forgets which nodes were stopped this way. Exit status: 0 when the node no longer runs, 1 otherwise.")

    @OptionGroup var target: NodeOption

    /// `--json`.
    @OptionGroup var output: StepOutputOptions

    /// Creates the command.
    public init() {}

    /// Stops the node.
    public func run() async throws {
        let printer = output.printer
        let node = target.node
        let outcome = try await Orchestrator(runner: try target.runner(checkBinaries: false).roles).stop(node) { printer($0) }.get()
        if !outcome.succeeded { throw CLIError(.cluster, "\(node) was not stopped; \(output.seeFailedStep)") }
    }
}

/// `headnet start NODE`: starts one node (and forgets a `headnet stop`).
public struct StartCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start one node that is not running (also one stopped with `headnet stop`) and wait until it is ready.",
        discussion: "When it does not become ready, it is stopped again unless --retain is given. Exit status: 0 when it is ready, 1 otherwise.")

    @OptionGroup var target: NodeOption

    @OptionGroup var options: StartOptions

    /// Creates the command.
    public init() {}

    /// Starts the node.
    public func run() async throws {
        let node = target.node
        let runner = try target.runner()
        try runner.requireNodesOnThisMachine()
        let outcome = try await options.run(runner) { interruption, rollback, printer in
            try await Orchestrator(runner: runner.roles).start(
                node, timeoutSeconds: options.timeout, retain: options.retain, interruption: interruption, rollback: rollback) { printer($0) }.get()
        }
        if !outcome.succeeded {
            throw CLIError(.cluster, "\(node) is not up; \(options.output.seeFailedStep)")
        }
    }
}
