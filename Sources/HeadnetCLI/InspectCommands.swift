import ArgumentParser
import ClusterSpec
import Deploy
import EtcdClient
import Foundation

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

    /// One node's row.
    struct Row: Codable {
        var name: String
        var pid: Int32?
        var alive: Bool
        var etcdHealthy: Bool
        var leader: Bool
        var leaderID: String?
        var memberID: String?
        var raftTerm: UInt64?
        var raftIndex: UInt64?
        var revision: Int64?
        var peersSeen: Int?
        var connected: Bool?
        var queueDepth: Int?
        var delivered: Int?
        var error: String?
    }

    /// Prints the status; exits 1 unless every node is alive and healthy with one agreed leader.
    public func run() async throws {
        let (spec, layout, runner) = try options.load(checkBinaries: false)
        let tls = options.clientTLS(spec, layout)
        var rows: [Row] = []
        for node in spec.nodes {
            var row = Row(name: node.name, alive: false, etcdHealthy: false, leader: false)
            if case .running(let pid) = runner.pidState(node) {
                row.pid = pid
                row.alive = true
            }
            do {
                let status = try await ClusterOptions.etcdStatus(node, tls: tls)
                row.etcdHealthy = status.errors.isEmpty && status.leader != 0
                row.leader = status.isLeader
                row.leaderID = String(status.leader, radix: 16)
                row.memberID = String(status.header.memberID, radix: 16)
                row.raftTerm = status.raftTerm
                row.raftIndex = status.raftIndex
                row.revision = status.header.revision
            } catch {
                row.error = "\(error)"
            }
            if let document = await NodeHTTP.json(options.apiURL(node, "/status")), let network = document["network"] as? [String: Any] {
                row.peersSeen = (network["peers"] as? [Any])?.count
                row.connected = network["connected"] as? Bool
                row.queueDepth = network["queueDepth"] as? Int
                row.delivered = document["delivered"] as? Int
            }
            rows.append(row)
        }
        let leaders = Set(rows.compactMap(\.leaderID))
        let healthy = rows.allSatisfy { $0.alive && $0.etcdHealthy } && rows.filter(\.leader).count == 1 && leaders.count == 1
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            struct Document: Codable { var cluster: String; var healthy: Bool; var nodes: [Row] }
            print(String(decoding: try encoder.encode(Document(cluster: spec.name, healthy: healthy, nodes: rows)), as: UTF8.self))
        } else {
            var table = [["NODE", "PID", "ETCD", "LEADER", "TERM", "INDEX", "REV", "PEERS", "QUEUE", "DELIVERED"]]
            for row in rows {
                table.append([
                    row.name, row.pid.map(String.init) ?? "-", row.etcdHealthy ? "healthy" : (row.alive ? "unhealthy" : "down"),
                    row.leader ? "yes" : "no", row.raftTerm.map(String.init) ?? "-", row.raftIndex.map(String.init) ?? "-",
                    row.revision.map(String.init) ?? "-", row.peersSeen.map(String.init) ?? "-",
                    row.queueDepth.map(String.init) ?? "-", row.delivered.map(String.init) ?? "-",
                ])
            }
            print(Table.render(table))
            print(healthy ? "cluster '\(spec.name)' is healthy" : "cluster '\(spec.name)' is NOT healthy")
        }
        if !healthy { throw ExitCode(1) }
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
        let (spec, _, runner) = try options.load(checkBinaries: false)
        let target = try options.node(named: node, in: spec)
        let file = etcd ? runner.traceFile(target) : runner.logFile(target)
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            throw ValidationError("\(file.path) does not exist yet; has the node been started (`headnet up`)?")
        }
        var pending = Data()
        while true {
            let chunk = handle.readDataToEndOfFile()
            pending.append(chunk)
            while let newline = pending.firstIndex(of: 0x0a) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                if etcd {
                    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                        object["tag"] as? String == "EtcdLog", let inner = object["etcd"],
                        let data = try? JSONSerialization.data(withJSONObject: inner, options: [.sortedKeys])
                    else { continue }
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    print(line)
                }
            }
            guard follow else { return }
            try await Task.sleep(for: .milliseconds(200))
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
        let (spec, _, _) = try options.load(checkBinaries: false)
        let target = try options.node(named: node, in: spec)
        let (status, body) = try await NodeHTTP.request("POST", options.apiURL(target, "/broadcast"), body: Data(text.utf8))
        guard status == 202 else {
            throw ValidationError("\(node) answered \(status): \(String(decoding: body, as: UTF8.self))")
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
        let (spec, _, _) = try options.load(checkBinaries: false)
        let target = try options.node(named: node, in: spec)
        let (status, body) = try await NodeHTTP.request("GET", options.apiURL(target, "/messages?after=\(from)"))
        guard status == 200 else { throw ValidationError("\(node) answered \(status)") }
        if json {
            FileHandle.standardOutput.write(body)
            return
        }
        let names = Dictionary(spec.nodes.map { ($0.advertise.description, $0.name) }, uniquingKeysWith: { first, _ in first })
        for line in body.split(separator: 0x0a) {
            guard let entry = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { continue }
            let payload = (entry["payload"] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            print("\(entry["index"] ?? "?")\t\(entry["revision"] ?? "?")\t\((entry["sender"] as? String).map { names[$0] ?? $0 } ?? "?")\t\(payload)")
        }
    }
}
