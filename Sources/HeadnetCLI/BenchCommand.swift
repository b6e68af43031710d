import ArgumentParser
import Bench
import Dispatch
import Foundation
import Orchestrator

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `headnet bench`: raw etcd through EtcdClient against headnet, on a devnet of its own or an
/// existing cluster.
public struct BenchCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure raw etcd (through EtcdClient) and headnet on the same cluster, and compare them.",
        discussion: """
            Without --spec, brings up a devnet of its own (a generated spec on free ports in a \
            temporary directory, as `headnet up` does) and always removes it afterwards (as `down \
            --purge`), also on an error or Ctrl-C. With --spec, measures that running cluster and \
            leaves it running (its journals keep the bench's messages). HEADNET_SPEC is not read: \
            only --spec points the bench at a cluster. Progress goes to standard error, the report \
            (markdown, or JSON with --json) to standard output.
            """)

    /// The cluster to measure instead of an own devnet.
    @Option(name: [.customShort("f"), .customLong("spec")], help: ArgumentHelp("Bench this running cluster instead of a devnet of its own; it is left running.", valueName: "spec"))
    public var spec: String?

    @OptionGroup var state: StateOption

    /// Nodes of the own devnet.
    @Option(help: "Nodes of the bench's own devnet (default 3; not with --spec).")
    public var nodes: Int?

    /// Saturation messages.
    @Option(help: "Messages of the saturation phase (all nodes sending).")
    public var messages: Int = 100_000

    /// Payload bytes.
    @Option(help: "Payload size in bytes (raw puts and broadcasts alike).")
    public var size: Int = 1024

    /// Concurrent senders.
    @Option(help: "Concurrent headnet senders, spread over the nodes; also the raw puts in flight.")
    public var senders: Int = 64

    /// Raw puts per throughput measurement.
    @Option(help: "Puts of each raw etcd throughput measurement.")
    public var puts: Int = 2000

    /// Raw latency samples.
    @Option(name: .customLong("latency-samples"), help: "Samples of each raw put→watch latency measurement.")
    public var latencySamples: Int = 2000

    /// Low-load samples.
    @Option(name: .customLong("low-load-samples"), help: "Broadcasts of the low-load latency phase (one at a time, the sending node rotating).")
    public var lowLoadSamples: Int = 2000

    /// Latency rounds.
    @Option(name: .customLong("latency-rounds"), help: "Rounds in which raw put→watch on every member and the low-load broadcasts take turns.")
    public var latencyRounds: Int = 5

    /// Slice size.
    @Option(help: "Delivered messages per throughput slice (default: 10000, or a tenth of --messages below 20000).")
    public var slice: Int?

    /// Stall deadline.
    @Option(help: "Seconds a phase may go without a message delivered on every node before the bench fails.")
    public var timeout: Int = 30

    /// JSON output.
    @Flag(help: "Print the report as JSON (stable field names) instead of markdown.")
    public var json = false

    /// Creates the command.
    public init() {}

    /// The measurement settings the flags make.
    public var benchConfiguration: BenchConfiguration {
        BenchConfiguration(
            messages: messages, size: size, senders: senders, rawPuts: puts, rawLatencySamples: latencySamples,
            lowLoadSamples: lowLoadSamples, latencyRounds: latencyRounds, sliceSize: slice, stallTimeout: .seconds(timeout))
    }

    /// Checks the flags.
    public func validate() throws {
        if spec != nil, nodes != nil { throw ValidationError("--nodes is for the bench's own devnet; with --spec the spec decides the nodes") }
        if spec == nil, state.stateDir != nil { throw ValidationError("--state-dir goes with --spec (the own devnet keeps its state in its temporary directory)") }
        if let nodes, !(1...64).contains(nodes) { throw ValidationError("--nodes must be between 1 and 64") }
        if timeout < 1 { throw ValidationError("--timeout must be at least 1 second") }
        if let problem = benchConfiguration.problems.first { throw ValidationError(problem) }
    }

    /// Runs the bench and prints the report.
    public func run() async throws {
        let progress: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        let report: BenchReport
        if let spec {
            let runner = try ExplicitSpec(flag: spec).runner(state: state, checkBinaries: false)
            progress("bench: cluster '\(runner.spec.name)' of \(spec), \(runner.spec.nodes.count) nodes (left running)")
            let bench = BenchRunner(target: BenchTarget(runner: runner, ownDevnet: false), configuration: benchConfiguration, progress: progress)
            report = try await Interruptible.run { try await bench.run() }
        } else {
            report = try await ownDevnet(progress: progress)
        }
        print(json ? try report.json() : MarkdownReport.render(report), terminator: "")
    }

    /// Brings the own devnet up, runs the bench on it and removes it whatever happened (Ctrl-C
    /// during the removal is ignored too).
    private func ownDevnet(progress: @escaping @Sendable (String) -> Void) async throws -> BenchReport {
        let devnet = try BenchDevnet.create(nodes: nodes ?? 3)
        let steps: @Sendable (StepReport) -> Void = { progress("devnet: \($0.timedText)") }
        progress("devnet: \(devnet.runner.spec.nodes.count) nodes, spec \(devnet.runner.specArgument)")
        let configuration = benchConfiguration
        return try await Interruptible.run {
            try await devnet.up(report: steps)
            return try await BenchRunner(target: BenchTarget(runner: devnet.runner, ownDevnet: true), configuration: configuration, progress: progress).run()
        } afterwards: {
            if let left = await devnet.down(report: steps) {
                progress("devnet: \(left)")
                throw CLIError(.cluster, left)
            }
            progress("devnet: removed \(devnet.directory.path)")
        }
    }
}

/// The spec named by `--spec` alone (no positional, no `HEADNET_SPEC`).
private struct ExplicitSpec: SpecLocating {
    var flag: String?
    var positional: String? { nil }
}
