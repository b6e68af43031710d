import ArgumentParser
import ClusterSpec
import Deploy
import EtcdClient
import Foundation

/// Options every devnet command shares.
struct ClusterOptions: ParsableArguments {
    @Argument(help: "The cluster spec.")
    var spec: String = "clusters/devnet.yaml"

    @Option(name: .customLong("state-dir"), help: "State root; the cluster lives in <state-dir>/<cluster>.")
    var stateDir: String = ".headnet"

    func load(checkBinaries: Bool = true) throws -> (ClusterSpec, StateLayout, LocalRunner) {
        let cluster: ClusterSpec
        do {
            cluster = try SpecReader.load(path: spec, checkBinaries: checkBinaries)
        } catch let error as SpecError {
            throw ValidationError("\(spec): \(error)")
        }
        let layout = StateLayout(spec: cluster, root: URL(fileURLWithPath: stateDir))
        let runner = LocalRunner(layout: layout, specPath: spec, executable: LocalRunner.currentExecutable())
        return (cluster, layout, runner)
    }


    func apiURL(_ node: NodeSpec, _ path: String) -> String { "http://127.0.0.1:\(node.apiPort)\(path)" }

    /// The client TLS settings for the cluster's etcd (nil with TLS off).
    func clientTLS(_ spec: ClusterSpec, _ layout: StateLayout) -> EtcdClientConfiguration.TLS? {
        spec.tlsEnabled ? ClusterPKI(directory: layout.pkiDirectory).clientTLS : nil
    }

    /// The Maintenance Status of `node`'s etcd member (2 s timeout, no failover to other members).
    static func etcdStatus(_ node: NodeSpec, tls: EtcdClientConfiguration.TLS?) async throws -> EtcdStatus {
        let endpoint = "\(tls == nil ? "http" : "https")://127.0.0.1:\(node.clientPort)"
        return try await EtcdClient.withClient(
            .init(endpoints: [endpoint], tls: tls, requestTimeout: .seconds(2), failoverTimeout: .zero)
        ) { etcd in try await etcd.status(endpoint: 0) }
    }

    /// The node called `name`, or a usage error listing the nodes.
    func node(named name: String, in spec: ClusterSpec) throws -> NodeSpec {
        guard let node = spec.nodes.first(where: { $0.name == name }) else {
            throw ValidationError("no node named '\(name)' (nodes: \(spec.nodes.map(\.name).joined(separator: ", ")))")
        }
        return node
    }
}

/// `headnet up`: starts every node in the background and waits until all are ready.
public struct UpCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Start every node of a cluster in the background and wait until all are ready.")

    @OptionGroup var options: ClusterOptions

    /// Readiness deadline.
    @Option(help: "Seconds to wait for every node to be ready.")
    public var timeout: Int = 60

    /// Creates the command.
    public init() {}

    /// Starts the cluster.
    public func run() async throws {
        let started = ContinuousClock.now
        let (spec, layout, runner) = try options.load()
        print("✓ spec \(options.spec): cluster '\(spec.name)', \(spec.nodes.count) nodes, TLS \(spec.tlsEnabled ? "on" : "off")")

        var running: [String: Int32] = [:]
        for node in spec.nodes {
            switch runner.pidState(node) {
            case .running(let pid): running[node.name] = pid
            case .stale(let pid):
                try? FileManager.default.removeItem(at: runner.pidFile(node))
                print("• \(node.name): removed stale pid file (pid \(pid) is not running)")
            case .none: break
            }
        }
        if running.count == spec.nodes.count {
            print("cluster '\(spec.name)' is already up; nothing changed")
            printSummary(spec, runner: runner)
            return
        }
        let toStart = spec.nodes.filter { running[$0.name] == nil }
        var busy: [String] = []
        for node in toStart {
            for (what, port) in LocalRunner.busyPorts(node) { busy.append("\(node.name): \(what) port \(port) is in use") }
        }
        guard busy.isEmpty else {
            for line in busy { print("✗ \(line)") }
            throw ValidationError("ports are busy; stop whatever uses them (`ss -ltnp`) or change the spec. Nothing was started")
        }
        if spec.tlsEnabled {
            let pki = ClusterPKI(directory: layout.pkiDirectory)
            if !pki.isComplete(for: spec) {
                try ClusterPKI.generate(for: spec, in: layout.pkiDirectory)
                print("✓ certificates in \(layout.pkiDirectory.path)")
            }
        }
        for node in toStart {
            let pid = try runner.start(node)
            print("✓ started \(node.name) (pid \(pid))")
        }
        let deadline = ContinuousClock.now.advanced(by: .seconds(timeout))
        var pending = spec.nodes
        while !pending.isEmpty {
            var still: [NodeSpec] = []
            for node in pending {
                if case .running = runner.pidState(node) {} else {
                    return try fail(node, runner: runner, reason: "exited")
                }
                if let (status, _) = try? await NodeHTTP.request("GET", options.apiURL(node, "/readyz"), timeout: 2), status == 200 {
                    print("✓ \(node.name) ready")
                } else {
                    still.append(node)
                }
            }
            pending = still
            if pending.isEmpty { break }
            if ContinuousClock.now >= deadline {
                return try fail(pending[0], runner: runner, reason: "not ready after \(timeout) s")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let elapsed = started.duration(to: .now)
        print("cluster '\(spec.name)' up in \(String(format: "%.1f", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)) s")
        printSummary(spec, runner: runner)
    }

    private func fail(_ node: NodeSpec, runner: LocalRunner, reason: String) throws {
        print("✗ \(node.name) \(reason); last lines of \(runner.logFile(node).path):")
        for line in LocalRunner.tail(runner.logFile(node), lines: 15) { print("    \(line)") }
        print("  (`headnet logs \(node.name) --etcd \(options.spec)` shows its etcd's log)")
        print("  (`headnet down \(options.spec)` stops the other nodes)")
        throw ExitCode(1)
    }

    private func printSummary(_ spec: ClusterSpec, runner: LocalRunner) {
        let scheme = spec.tlsEnabled ? "https" : "http"
        var rows = [["NODE", "PID", "PEER", "ETCD CLIENT", "API"]]
        for node in spec.nodes {
            let pid: String = if case .running(let pid) = runner.pidState(node) { "\(pid)" } else { "-" }
            rows.append([node.name, pid, node.advertise.description, "\(scheme)://127.0.0.1:\(node.clientPort)",
                         options.apiURL(node, "")])
        }
        print(Table.render(rows))
    }
}

/// `headnet down`: stops every node (and its etcd) gracefully.
public struct DownCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "down", abstract: "Stop every node of a cluster: SIGINT, SIGTERM after 5 s; --purge deletes its state.")

    @OptionGroup var options: ClusterOptions

    /// Delete state.
    @Flag(help: "Delete the cluster's state (etcd data, queues, journals, certificates).")
    public var purge = false

    /// Creates the command.
    public init() {}

    /// Stops the cluster.
    public func run() async throws {
        let (spec, layout, runner) = try options.load(checkBinaries: false)
        // Followers first, the leader last: a leader stopped while its peers stop too spends
        // etcd's request timeout (7 s) on a leadership transfer to a peer that is going away; a
        // leader left alone has no one to transfer to and stops at once.
        let tls = options.clientTLS(spec, layout)
        let leader = await withTaskGroup(of: String?.self) { group in
            for node in spec.nodes {
                guard case .running = runner.pidState(node) else { continue }
                group.addTask { (try? await ClusterOptions.etcdStatus(node, tls: tls))?.isLeader == true ? node.name : nil }
            }
            return await group.compactMap { $0 }.first { _ in true }
        }
        for wave in [spec.nodes.filter { $0.name != leader }, spec.nodes.filter { $0.name == leader }] {
            await stop(wave, runner: runner)
        }
        if purge {
            try? FileManager.default.removeItem(at: layout.clusterDirectory)
            print("✓ removed \(layout.clusterDirectory.path)")
        }
    }

    private func stop(_ nodes: [NodeSpec], runner: LocalRunner) async {
        await withTaskGroup(of: String.self) { group in
            for node in nodes {
                group.addTask {
                    switch runner.pidState(node) {
                    case .running(let pid):
                        await runner.stop(pid: pid)
                        try? FileManager.default.removeItem(at: runner.pidFile(node))
                        return "✓ stopped \(node.name) (pid \(pid))"
                    case .stale:
                        try? FileManager.default.removeItem(at: runner.pidFile(node))
                        return "• \(node.name) was not running (stale pid file removed)"
                    case .none:
                        return "• \(node.name) was not running"
                    }
                }
            }
            for await line in group { print(line) }
        }
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
