import ArgumentParser
import ClusterSpec
import Foundation
import Orchestrator

/// `headnet status`: one row per node.
public struct StatusCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show each node: pid, etcd health, leader, raft term/index, revision, peers, queue, delivered.")

    @OptionGroup var options: ClusterOptions

    /// JSON output.
    @Flag(help: "Print JSON.")
    public var json = false

    /// Creates the command.
    public init() {}

    /// Prints the status; exits 1 unless every node is alive and healthy with one agreed leader.
    public func run() async throws {
        let status = await ClusterStatus.gather(try options.runner(checkBinaries: false))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            var table = [["NODE", "PID", "ETCD", "LEADER", "TERM", "INDEX", "REV", "PEERS", "QUEUE", "DELIVERED"]]
            for row in status.nodes {
                table.append([
                    row.name, row.pid.map(String.init) ?? "-", row.etcdHealthy ? "healthy" : (row.alive ? "unhealthy" : "down"),
                    row.leader ? "yes" : "no", row.raftTerm.map(String.init) ?? "-", row.raftIndex.map(String.init) ?? "-",
                    row.revision.map(String.init) ?? "-", row.peersSeen.map(String.init) ?? "-",
                    row.queueDepth.map(String.init) ?? "-", row.delivered.map(String.init) ?? "-",
                ])
            }
            print(Table.render(table))
            print(status.healthy ? "cluster '\(status.cluster)' is healthy" : "cluster '\(status.cluster)' is NOT healthy")
        }
        if !status.healthy { throw ExitCode(1) }
    }
}

/// `headnet logs NODE`: a node's log, or etcd's own log lines.
public struct LogsCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print a node's log (or its etcd's, with --etcd).")

    /// The node.
    @Argument(help: "The node's name.")
    public var node: String

    @OptionGroup var options: ClusterOptions

    /// Follow.
    @Flag(name: .shortAndLong, help: "Keep printing new lines.")
    public var follow = false

    /// etcd lines.
    @Flag(help: "Print etcd's own log lines (JSON) from the node's trace.")
    public var etcd = false

    /// Creates the command.
    public init() {}

    /// Prints the log.
    public func run() async throws {
        let runner = try options.runner(checkBinaries: false)
        let target = try options.node(named: node, in: runner.spec)
        let reader = NodeLogReader(file: etcd ? runner.nodes.traceFile(target) : runner.nodes.logFile(target), etcdOnly: etcd)
        do {
            try await reader.read(follow: follow) { print($0) }
        } catch let error as OrchestratorError {
            throw ValidationError(error.message)
        }
    }
}

/// `headnet broadcast NODE TEXT`: broadcasts through a node.
public struct BroadcastCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(commandName: "broadcast", abstract: "Broadcast TEXT through a node.")

    /// The node.
    @Argument(help: "The node's name.")
    public var node: String

    /// The payload.
    @Argument(help: "The text to broadcast.")
    public var text: String

    @OptionGroup var options: ClusterOptions

    /// Creates the command.
    public init() {}

    /// Sends the broadcast.
    public func run() async throws {
        let runner = try options.runner(checkBinaries: false)
        do {
            try await NodeAPIClient(node: try options.node(named: node, in: runner.spec)).broadcast(Data(text.utf8))
        } catch let error as OrchestratorError {
            throw ValidationError(error.message)
        }
        print("✓ queued on \(node)")
    }
}

/// `headnet tail NODE`: prints the node's delivered messages.
public struct TailCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(commandName: "tail", abstract: "Print the messages a node delivered.")

    /// The node.
    @Argument(help: "The node's name.")
    public var node: String

    /// Start after.
    @Option(help: "Print entries after this journal index.")
    public var from: Int = 0

    /// NDJSON output.
    @Flag(help: "Print the node's journal entries as JSON lines, as its API serves them.")
    public var json = false

    @OptionGroup var options: ClusterOptions

    /// Creates the command.
    public init() {}

    /// Prints `index revision sender payload` per entry; the sender by node name when the spec knows it.
    public func run() async throws {
        let runner = try options.runner(checkBinaries: false)
        let body: Data
        do {
            body = try await NodeAPIClient(node: try options.node(named: node, in: runner.spec)).messages(after: from)
        } catch let error as OrchestratorError {
            throw ValidationError(error.message)
        }
        if json {
            FileHandle.standardOutput.write(body)
            return
        }
        let names = Dictionary(runner.spec.nodes.map { ($0.advertise.description, $0.name) }, uniquingKeysWith: { first, _ in first })
        for line in body.split(separator: 0x0a) {
            guard let entry = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { continue }
            let payload = (entry["payload"] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            print("\(entry["index"] ?? "?")\t\(entry["revision"] ?? "?")\t\((entry["sender"] as? String).map { names[$0] ?? $0 } ?? "?")\t\(payload)")
        }
    }
}
