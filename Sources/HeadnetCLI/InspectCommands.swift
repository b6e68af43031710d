import ArgumentParser
import ClusterSpec
import Foundation
import NodeAPIModel
import Orchestrator

/// `headnet status`: one row per node.
public struct StatusCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each node: pid, etcd health, leader, raft term/index, revision, peers, queue, delivered, and why it is not healthy.",
        discussion: "Exit status: 0 when every node runs and is healthy with one agreed leader, 1 otherwise.")

    @OptionGroup var spec: SpecOption
    @OptionGroup var state: StateOption

    /// JSON output.
    @Flag(help: "Print JSON.")
    public var json = false

    /// Creates the command.
    public init() {}

    /// Prints the status; exits 1 unless every node is alive and healthy with one agreed leader.
    public func run() async throws {
        let status = try await ClusterStatus.gather(try spec.runner(state: state, checkBinaries: false))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            var table = [["NODE", "PID", "ETCD", "LEADER", "TERM", "INDEX", "REV", "PEERS", "QUEUE", "DELIVERED", "REASON"]]
            for row in status.nodes {
                table.append([
                    row.name, row.pid.map(String.init) ?? "-", row.etcdHealthy ? "healthy" : (row.memberID != nil ? "unhealthy" : "down"),
                    row.leader ? "yes" : "no", row.raftTerm.map(String.init) ?? "-", row.raftIndex.map(String.init) ?? "-",
                    row.revision.map(String.init) ?? "-", row.peersSeen.map(String.init) ?? "-",
                    row.queueDepth.map(String.init) ?? "-", row.delivered.map(String.init) ?? "-", row.reason ?? "-",
                ])
            }
            print(Table.render(table))
            print(status.quorum.text)
            let unhealthy = status.nodes.filter { $0.reason != nil }.map(\.name)
            print(status.healthy
                ? "cluster '\(status.cluster)' is healthy"
                : "cluster '\(status.cluster)' is NOT healthy" + (unhealthy.isEmpty ? ": the members do not agree on one leader" : ": \(unhealthy.joined(separator: ", ")) (see REASON)"))
        }
        if !status.healthy { throw ExitCode(1) }
    }
}

/// `headnet logs NODE`: a node's log, its etcd's log lines, or its network events.
public struct LogsCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print a node's log; --etcd: its etcd's log; --trace: its network events (broadcast, delivered, connectivity).",
        discussion: FollowHelp.discussion)

    /// The node.
    @Argument(help: "The node's name.")
    public var node: String

    @OptionGroup var spec: LongSpecOption
    @OptionGroup var state: StateOption

    /// Follow.
    @Flag(name: .shortAndLong, help: "Keep printing new lines (each written as it comes, also into a pipe). -f is --follow here, not --spec.")
    public var follow = false

    /// etcd lines.
    @Flag(help: "Print etcd's own log lines (JSON) from the node's trace.")
    public var etcd = false

    /// Readable trace.
    @Flag(help: "Print the network component's events, one readable line each (times in UTC).")
    public var trace = false

    /// Creates the command.
    public init() {}

    /// Checks the flags.
    public func validate() throws {
        if etcd && trace { throw ValidationError("--etcd and --trace read different lines; give one") }
    }

    /// Prints the log.
    public func run() async throws {
        spec.warnAboutFollow(command: "logs")
        let runner = try spec.runner(state: state, checkBinaries: false)
        let target = try runner.spec.node(named: node)
        let reader: NodeLogReader
        if etcd {
            reader = NodeLogReader(file: runner.nodes.traceFile(target), mode: .etcd)
        } else if trace {
            reader = NodeLogReader(file: runner.nodes.traceFile(target), mode: .trace(names: runner.spec.namesByAddress))
        } else {
            reader = NodeLogReader(file: runner.nodes.logFile(target), mode: .log)
        }
        try await reader.read(follow: follow) { line in
            print(line)
            fflush(nil)
        }
    }
}

/// `headnet broadcast NODE TEXT`: broadcasts through a node.
public struct BroadcastCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "broadcast", abstract: "Broadcast TEXT through a node (after checking that the node is this cluster's).")

    /// The node.
    @Argument(help: "The node's name.")
    public var node: String

    /// The payload.
    @Argument(help: "The text to broadcast (not empty).")
    public var text: String

    /// The message's idempotency key.
    @Option(name: .customLong("idempotency-key"), help: ArgumentHelp(
        "Send the message with this key: a retry with the same key is not broadcast again.", valueName: "KEY"))
    public var idempotencyKey: String?

    @OptionGroup var spec: SpecOption
    @OptionGroup var state: StateOption

    /// Creates the command.
    public init() {}

    /// Checks the flags.
    public func validate() throws {
        if text.isEmpty { throw ValidationError("the text to broadcast is empty") }
        if let idempotencyKey, let problem = IdempotencyKey.problem(with: idempotencyKey) {
            throw ValidationError("--idempotency-key: \(problem)")
        }
    }

    /// Sends the broadcast.
    public func run() async throws {
        let runner = try spec.runner(state: state, checkBinaries: false)
        let replayed = try await runner.broadcast(
            Data(text.utf8), through: try runner.spec.node(named: node), idempotencyKey: idempotencyKey.flatMap(IdempotencyKey.init))
        print(replayed ? "✓ already queued on \(node) with this key: nothing new was queued" : "✓ queued on \(node)")
    }
}

extension ClusterSpec {
    /// Node names by advertised address, to show senders by name.
    var namesByAddress: [String: String] {
        Dictionary(nodes.map { ($0.advertise.description, $0.name) }, uniquingKeysWith: { first, _ in first })
    }
}
