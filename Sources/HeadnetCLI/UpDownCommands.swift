import ArgumentParser
import ClusterSpec
import Foundation
import Orchestrator
import Processes

/// `headnet up`: starts what is not running in the background and waits until all are ready.
public struct UpCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Start what is not running of a cluster in the background and wait until every node is ready.",
        discussion: """
            Reconciles like `docker compose up -d`: a running node is left alone; when a node's \
            process died while its etcd lives on, that etcd is stopped and the node started again; a \
            port held by another process is refused, naming the process. When a step fails, the nodes this run \
            started are stopped again unless --retain is given. Exit status: 0 when every node is \
            ready, 1 otherwise.
            """)

    @OptionGroup var spec: SpecOption
    @OptionGroup var state: StateOption

    @OptionGroup var options: StartOptions

    /// Creates the command.
    public init() {}

    /// Starts the cluster.
    public func run() async throws {
        let started = ContinuousClock.now
        let runner = try spec.runner(state: state)
        try runner.requireNodesOnThisMachine()
        let cluster = runner.spec
        let json = options.output.json
        if !json { print("✓ spec \(spec.path): cluster '\(cluster.name)', \(cluster.nodes.count) nodes, TLS \(cluster.tlsEnabled ? "on" : "off")") }
        let outcome = try await options.run(runner) { interruption, rollback, printer in
            await Orchestrator(runner: runner.roles).up(
                timeoutSeconds: options.timeout, retain: options.retain, interruption: interruption, rollback: rollback) { printer($0) }
        }
        guard outcome.succeeded else {
            throw CLIError(.cluster, "cluster '\(cluster.name)' is not up; \(options.output.seeFailedStep)")
        }
        guard !json else { return }
        let held = outcome.plan.steps.compactMap { step in if case .held(let node) = step { node } else { nil } }
        let except = held.isEmpty ? "" : " but for \(held.joined(separator: ", ")) (stopped with `headnet stop`)"
        if outcome.plan.changesSomething {
            let elapsed = started.duration(to: .now)
            print("cluster '\(cluster.name)' up\(except) in \(String(format: "%.1f", elapsed.inSeconds)) s")
        } else {
            print("cluster '\(cluster.name)' is already up\(except); nothing changed")
        }
        var rows = [["NODE", "PID", "PEER", "ETCD CLIENT", "API"]]
        for (node, seen) in zip(cluster.nodes, runner.processes()) {
            rows.append([node.name, seen.runningPID.map(String.init) ?? "-", node.advertise.description, cluster.clientURL(of: node),
                         runner.api(for: node).url("")])
        }
        print(Table.render(rows))
        print("etcdctl: eval \"$(headnet env \(cluster.nodes[0].name) -f \(spec.path))\" && etcdctl get version")
    }

}

/// `headnet down`: stops every node (and its etcd) gracefully.
public struct DownCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "down", abstract: "Stop every node of a cluster, the leader last: SIGINT, SIGTERM after 5 s; --purge deletes its state.",
        discussion: """
            Finds nodes by their pid files and by their command lines (a node started by hand with \
            `headnet node --spec SPEC --name NODE` is stopped too), and etcd members left over by \
            nodes killed with SIGKILL. Exit status: 0 when nothing of the cluster runs afterwards, \
            1 otherwise. --purge refuses while any etcd of the cluster still runs.
            """)

    @OptionGroup var spec: SpecOption
    @OptionGroup var state: StateOption

    /// Delete state.
    @Flag(help: "Delete the cluster's state (etcd data, queues, journals, certificates).")
    public var purge = false

    /// `--json`.
    @OptionGroup var output: StepOutputOptions

    /// Creates the command.
    public init() {}

    /// Stops the cluster; fails when anything of it still runs afterwards.
    public func run() async throws {
        let printer = output.printer
        let runner = try spec.runner(state: state, checkBinaries: false)
        let founders = purge ? SpecEditor.forgettingFounders(try spec.text(), of: runner.spec) : nil
        let outcome = await Orchestrator(runner: runner.roles).down(purge: purge, forgettingFounders: founders) { printer($0) }
        let left = runner.processes().filter { !$0.livePIDs.isEmpty }
        guard left.isEmpty else {
            let list = left.map { "\($0.name) (pid \($0.livePIDs.map(String.init).joined(separator: ", ")))" }.joined(separator: ", ")
            throw CLIError(.cluster, "still running after down: \(list); stop them with `kill` or run `headnet down -f \(spec.path)` again")
        }
        if !outcome.succeeded { throw CLIError(.cluster, "down did not finish; \(output.seeFailedStep)") }
    }
}

/// Plain-text tables.
enum Table {
    static func render(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        let widths = first.indices.map { column in rows.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
