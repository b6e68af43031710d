import ArgumentParser
import ClusterSpec
import Drills
import Foundation
import Orchestrator
import Processes

/// `headnet drill DRILL.yaml`: a failover drill on a devnet of its own, under load, checked for
/// lost, duplicated and reordered messages afterwards.
public struct DrillCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "drill", abstract: "Run a failover drill (drills/*.yaml) under load and prove that no message was lost.",
        discussion: """
            Brings the drill's cluster up on a fresh state directory, runs the load (every sender \
            broadcasts {sender, seq} payloads with an Idempotency-Key; an unanswered request is \
            retried with its key, never resent blindly), runs the steps, waits for every node to \
            deliver what was accepted, then checks every node's journal against the load record \
            (lost, missed and reported, duplicated, out of order, never sent), etcd's HashKV on \
            every member, and the recovery time of each fault. Prints a table; --report writes \
            JSON and --plot an SVG timeline. The cluster is taken down and its state deleted \
            afterwards unless --keep. Exit status: 0 when every expectation holds, 1 otherwise,             77 when the drill cannot run on this machine (a step needs root or a kernel feature it             lacks; the reason is printed) and --skip-unsupported was not given.
            """)

    /// The exit status of a drill this machine cannot run (automake's "skipped").
    public static let unsupportedExitStatus: Int32 = 77

    /// The drill file.
    @Argument(help: ArgumentHelp("The drill file.", valueName: "drill"))
    public var file: String

    /// JSON report.
    @Option(help: ArgumentHelp("Write the report as JSON to this file.", valueName: "file"))
    public var report: String?

    /// SVG plot.
    @Option(help: ArgumentHelp("Draw the timeline (load, faults, delivered per node) as an SVG to this file.", valueName: "file"))
    public var plot: String?

    /// The seed.
    @Option(help: "Seed of the random picks (`random`, `follower`, `quorum`); printed, so that a run can be replayed.")
    public var seed: UInt64?

    /// Skip what cannot run.
    @Flag(help: "Skip the steps this machine cannot run (network faults without root, …) instead of refusing the drill.")
    public var skipUnsupported = false

    /// Keep the cluster.
    @Flag(help: "Leave the cluster running and its state in place afterwards.")
    public var keep = false

    /// The state root.
    @Option(name: .customLong("state-dir"), help: "State root of the drill's cluster (default: a new temporary directory).")
    public var stateDir: String?

    /// Creates the command.
    public init() {}

    /// Runs the drill.
    public func run() async throws {
        let drill: Drill
        do {
            drill = try DrillReader.load(path: file)
        } catch {
            throw CLIError(.spec, "\(file): \(error)")
        }
        let root = try stateDir.map { URL(fileURLWithPath: $0) } ?? Self.temporaryRoot()
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var (spec, specPath) = try Self.cluster(of: drill, root: root)
        var network: DrillNetwork?
        if drill.needsNetworkNamespaces {
            if let reason = await NamespaceNetwork.unsupportedReason() {
                guard skipUnsupported else {
                    try Self.refuse("the drill's network faults need a network namespace per node: \(reason). Run with --skip-unsupported to skip them")
                }
            } else {
                network = try await DrillNetwork.create(for: spec)
            }
        }
        do {
            if let network {
                spec = network.spec
                specPath = root.appendingPathComponent("\(spec.name)-namespaces.yaml").path
                try SpecWriter.render(spec).write(toFile: specPath, atomically: true, encoding: .utf8)
            }
            try await run(drill, spec: spec, specPath: specPath, root: root, network: network)
        } catch {
            await network?.destroy()
            throw error
        }
        await network?.destroy()
    }

    /// Runs the drill on `spec` (its nodes in `network`'s namespaces when given).
    func run(_ drill: Drill, spec: ClusterSpec, specPath: String, root: URL, network: DrillNetwork?) async throws {
        let seed = seed ?? UInt64.random(in: 0...UInt64(UInt32.max))
        var runner = DrillRunner(drill: drill, spec: spec, specPath: specPath, stateRoot: root, seed: seed, executable: ProcessControl.currentExecutable())
        runner.skipUnsupported = skipUnsupported
        runner.progress = { print($0) }
        runner.network = network
        if drill.needsDisks, DrillDisks.unsupportedReason() == nil {
            runner.disks = try DrillDisks.mount(Dictionary(uniqueKeysWithValues: spec.nodes.map { ($0.name, runner.cluster.layout.nodeDirectory($0)) }))
        }
        // Also when the drill is refused or fails to run (after it ran, once the nodes are down).
        defer { if !keep { runner.disks?.unmount() } }
        if let refusal = await runner.refusal() { try Self.refuse(refusal) }
        print("drill \(drill.name): \(spec.nodes.count) nodes, state in \(root.path), seed \(seed) (replay with --seed \(seed))")
        let result = await runner.run()
        print("")
        print(result.table)
        if let report {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(result).write(to: URL(fileURLWithPath: report))
        }
        if let plot {
            try TimelinePlot.svg(result.timeline, title: "\(drill.name): \(result.passed ? "passed" : "FAILED") (seed \(seed))")
                .write(toFile: plot, atomically: true, encoding: .utf8)
        }
        if !keep {
            _ = await Orchestrator(runner: runner.cluster.roles).down(purge: true) { _ in }
            runner.disks?.unmount()
            if stateDir == nil { try? FileManager.default.removeItem(at: root) }
        }
        if !result.passed { throw ExitCode(1) }
    }

    /// Says why the drill cannot run here (as errors are printed) and exits with
    /// ``unsupportedExitStatus``.
    static func refuse(_ reason: String) throws -> Never {
        FileHandle.standardError.write(Data("Error: \(reason)\n".utf8))
        throw ExitCode(unsupportedExitStatus)
    }

    /// A new directory under the system's temporary directory.
    static func temporaryRoot() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-drill-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    /// The drill's spec and the file its nodes are started with (an inline spec is written
    /// into the state root).
    static func cluster(of drill: Drill, root: URL) throws -> (ClusterSpec, String) {
        switch drill.cluster {
        case .spec(let path):
            do {
                return (try SpecReader.load(path: path), path)
            } catch {
                throw CLIError(.spec, "\(path): \(error)")
            }
        case .inline(let spec):
            let path = root.appendingPathComponent("\(spec.name).yaml").path
            try SpecWriter.render(spec).write(toFile: path, atomically: true, encoding: .utf8)
            return (spec, path)
        }
    }
}
