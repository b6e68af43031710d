import ArgumentParser
import Orchestrator

/// The options of the commands that start nodes and wait for them (`up`, `start`), and how
/// they run: Ctrl-C ends the waits, what the run started is stopped again unless `--retain`.
struct StartOptions: ParsableArguments {
    /// Readiness deadline; 0 checks once without waiting.
    @Option(help: "Seconds to wait for the nodes to be ready (0: do not wait, fail unless they are).")
    var timeout: Int = 60

    /// Keep what started when the run fails.
    @Flag(help: "When the run fails or is interrupted, keep the nodes it started running (to look into them).")
    var retain = false

    /// `--json`.
    @OptionGroup var output: StepOutputOptions

    func validate() throws {
        if timeout < 0 { throw ValidationError("--timeout takes a number of seconds, 0 or more") }
    }

    /// Runs `start` — an orchestrator call given the interruption, the notice to print before a
    /// rollback, and the step printer — with SIGINT/SIGTERM ending its waits. After a signal it
    /// says what runs and exits 130.
    func run<T: Sendable>(
        _ runner: LocalClusterRunner, _ start: (Interruption, @escaping @Sendable () async -> Void, StepPrinter) async throws -> T
    ) async throws -> T {
        let json = output.json
        let interruption = Interruption()
        let result = try await Interruptible.run(flagging: interruption, onSignal: { if !json { print("interrupted: no more waiting") } }) {
            try await start(interruption, { if !json { print("stopping the nodes this run started (--retain keeps them)") } }, output.printer)
        }
        if interruption.isRequested {
            if !json {
                let running = zip(runner.spec.nodes, runner.processes()).compactMap { node, seen in seen.runningPID.map { "\(node.name) (pid \($0))" } }
                print(running.isEmpty ? "nothing of cluster '\(runner.spec.name)' runs" : "running: \(running.joined(separator: ", "))")
            }
            throw ExitCode(130)
        }
        return result
    }
}
