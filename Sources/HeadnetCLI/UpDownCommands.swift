import ArgumentParser
import ClusterSpec
import Foundation
import Orchestrator

/// `headnet up`: starts every node in the background and waits until all are ready.
public struct UpCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Start what is not running of a cluster in the background and wait until every node is ready.")

    @OptionGroup var options: ClusterOptions

    /// Readiness deadline.
    @Option(help: "Seconds to wait for every node to be ready.")
    public var timeout: Int = 60

    /// JSON lines.
    @Flag(help: "Print each step as a JSON line.")
    public var json = false

    /// Creates the command.
    public init() {}

    /// Starts the cluster.
    public func run() async throws {
        let started = ContinuousClock.now
        let runner = try options.runner()
        let spec = runner.spec
        let printer = StepPrinter(json: json)
        if !json { print("✓ spec \(options.spec): cluster '\(spec.name)', \(spec.nodes.count) nodes, TLS \(spec.tlsEnabled ? "on" : "off")") }
        let outcome = await Orchestrator(runner: runner).up(timeoutSeconds: timeout) { printer($0) }
        guard outcome.succeeded else { throw ExitCode(1) }
        guard !json else { return }
        if outcome.plan.changesSomething {
            let elapsed = started.duration(to: .now)
            print("cluster '\(spec.name)' up in \(String(format: "%.1f", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)) s")
        } else {
            print("cluster '\(spec.name)' is already up; nothing changed")
        }
        let scheme = spec.tlsEnabled ? "https" : "http"
        var rows = [["NODE", "PID", "PEER", "ETCD CLIENT", "API"]]
        for node in spec.nodes {
            let pid: String = if case .running(let pid) = runner.nodes.processState(node) { "\(pid)" } else { "-" }
            rows.append([node.name, pid, node.advertise.description, "\(scheme)://127.0.0.1:\(node.clientPort)", NodeAPIClient(node: node).url("")])
        }
        print(Table.render(rows))
    }
}

/// `headnet down`: stops every node (and its etcd) gracefully.
public struct DownCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "down", abstract: "Stop every node of a cluster, the leader last: SIGINT, SIGTERM after 5 s; --purge deletes its state.")

    @OptionGroup var options: ClusterOptions

    /// Delete state.
    @Flag(help: "Delete the cluster's state (etcd data, queues, journals, certificates).")
    public var purge = false

    /// JSON lines.
    @Flag(help: "Print each step as a JSON line.")
    public var json = false

    /// Creates the command.
    public init() {}

    /// Stops the cluster.
    public func run() async throws {
        let printer = StepPrinter(json: json)
        let outcome = await Orchestrator(runner: try options.runner(checkBinaries: false)).down(purge: purge) { printer($0) }
        if !outcome.succeeded { throw ExitCode(1) }
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
