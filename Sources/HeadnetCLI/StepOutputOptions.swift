import ArgumentParser
import Orchestrator

/// `--json` of the commands that run a plan: each step as a JSON line instead of a ✓/✗ line.
struct StepOutputOptions: ParsableArguments {
    /// JSON lines.
    @Flag(help: "Print each step as a JSON line.")
    var json = false

    /// The printer of the steps in the chosen form.
    var printer: StepPrinter { StepPrinter(json: json) }

    /// `see the failed step (✗) above`, or `(outcome "failed")` with `--json`.
    var seeFailedStep: String { "see the failed step\(json ? " (outcome \"failed\")" : " (✗)") above" }
}
