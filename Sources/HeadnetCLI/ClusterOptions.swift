import ArgumentParser
import ClusterSpec
import Deploy
import Foundation
import Orchestrator

/// Where the spec comes from: `--spec FILE` (also `-f`), the last argument, `HEADNET_SPEC`, or
/// `clusters/devnet.yaml`, in that order.
struct SpecOption: ParsableArguments, SpecLocating {
    @Option(name: [.customShort("f"), .customLong("spec")], help: ArgumentHelp(SpecHelp.flag, valueName: "spec"))
    var flag: String?

    @Argument(help: ArgumentHelp(SpecHelp.positional, valueName: "spec"))
    var positional: String?

    func validate() throws { try checkNotTwice() }
}

/// ``SpecOption`` for commands where `-f` means follow (`logs`, `tail`): `--spec` has no short form.
struct LongSpecOption: ParsableArguments, SpecLocating {
    @Option(name: .customLong("spec"), help: ArgumentHelp(SpecHelp.flag + " No short form here: -f means --follow.", valueName: "spec"))
    var flag: String?

    @Argument(help: ArgumentHelp(SpecHelp.positional, valueName: "spec"))
    var positional: String?

    func validate() throws { try checkNotTwice() }

    /// A warning when the spec, given as the last argument, comes right after `-f` in
    /// `arguments` (the command line): `headnet logs bob -f t3.yaml` follows the log and reads
    /// t3.yaml as the spec, though the user may have meant `-f` as `--spec`, as in every other
    /// command. Nil otherwise.
    func followWarning(command: String, arguments: [String]) -> String? {
        guard flag == nil, let positional,
            zip(arguments, arguments.dropFirst()).contains(where: { $0 == "-f" && $1 == positional })
        else { return nil }
        return "warning: -f means --follow in `\(command)`; \(positional) is read as the spec. "
            + "Give the spec with --spec \(positional) to make that explicit"
    }

    /// Prints ``followWarning(command:arguments:)`` for this process's command line to
    /// standard error.
    func warnAboutFollow(command: String) {
        guard let warning = followWarning(command: command, arguments: CommandLine.arguments) else { return }
        var standardError = StandardError()
        print(warning, to: &standardError)
    }
}

/// What `logs` and `tail` say about `-f` in their help.
enum FollowHelp {
    static let discussion = "-f means --follow here (as in `tail -f`), not --spec: give the spec with --spec FILE, HEADNET_SPEC or as the last argument."
}

/// `--state-dir`, when the state is not where the spec says (see ``StateLayout/defaultRoot(forSpecAt:)``).
/// One node of a cluster, `NODE [SPEC]` with `-f` and `--state-dir`: what the commands that act
/// on one node take.
struct NodeOption: ParsableArguments {
    @Argument(help: "The node's name.")
    var node: String

    @OptionGroup var spec: SpecOption
    @OptionGroup var state: StateOption

    /// The runner of the node's cluster (``SpecLocating/runner(state:checkBinaries:)``).
    func runner(checkBinaries: Bool = true) throws -> LocalClusterRunner {
        try spec.runner(state: state, checkBinaries: checkBinaries)
    }
}

struct StateOption: ParsableArguments {
    @Option(name: .customLong("state-dir"), help: "State root (default: .headnet/ in the spec's project: beside clusters/, or beside the spec).")
    var stateDir: String?
}

enum SpecHelp {
    static let flag = "The cluster spec (default: $HEADNET_SPEC, else clusters/devnet.yaml)."
    static let positional = "The cluster spec, as a last argument (same as --spec)."
    /// The variable that names the spec when no argument does.
    static let environmentVariable = "HEADNET_SPEC"
    /// The spec when nothing names one.
    static let defaultPath = ClusterSpec.defaultPath
}

/// How a command finds and reads its spec.
protocol SpecLocating {
    var flag: String? { get }
    var positional: String? { get }
}

extension SpecLocating {
    /// The spec's path and where it came from (`--spec`, `HEADNET_SPEC`, …).
    var location: (path: String, source: String) {
        if let flag { return (flag, "--spec") }
        if let positional { return (positional, "the last argument") }
        if let path = ProcessInfo.processInfo.environment[SpecHelp.environmentVariable], !path.isEmpty {
            return (path, SpecHelp.environmentVariable)
        }
        return (SpecHelp.defaultPath, "the default")
    }

    /// The spec's path.
    var path: String { location.path }

    func checkNotTwice() throws {
        if let flag, let positional, flag != positional {
            throw ValidationError("two specs given: --spec \(flag) and \(positional); give one")
        }
    }

    /// Reads and checks the spec; a missing file is an error that says how to name one.
    func load(checkBinaries: Bool = true) throws -> ClusterSpec {
        let (path, source) = location
        guard FileManager.default.fileExists(atPath: path) else {
            var message = "no spec at '\(path)' (from \(source))"
            if source == "the last argument" { message += "; the spec goes last, after the command's other arguments" }
            message += "; name one with -f FILE, \(SpecHelp.environmentVariable)=FILE or as the last argument, or write one with `headnet init`"
            throw CLIError(.spec, message)
        }
        do {
            return try SpecReader.load(path: path, checkBinaries: checkBinaries)
        } catch let error as SpecError {
            throw CLIError(.spec, "\(path): \(error)")
        }
    }

    /// The local runner for the spec, its state under `state` (or where the spec says).
    func runner(state: StateOption, checkBinaries: Bool = true) throws -> LocalClusterRunner {
        runner(for: try load(checkBinaries: checkBinaries), state: state)
    }

    /// The local runner for `cluster`, the spec perhaps changed in memory (`member add`).
    func runner(for cluster: ClusterSpec, state: StateOption) -> LocalClusterRunner {
        let root = state.stateDir.map { URL(fileURLWithPath: $0) } ?? StateLayout.defaultRoot(forSpecAt: path)
        return LocalClusterRunner(spec: cluster, specPath: path, stateRoot: root)
    }
}

/// Prints step reports as ✓/✗ lines, or as JSON lines.
struct StepPrinter: Sendable {
    let json: Bool

    func callAsFunction(_ report: StepReport) {
        print(json ? report.jsonLine : report.timedText)
    }
}
