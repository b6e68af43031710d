import ArgumentParser
import ClusterSpec
import Foundation
import HeadnetCore
import NodeAPIModel
import Orchestrator

/// `headnet tail NODE`: prints the node's delivered messages.
public struct TailCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print the messages a node delivered: index, revision, sender, payload.",
        discussion: """
            Reads the node's API (after checking it is this cluster's node). When the node is not \
            running, reads its journal from disk and says so on standard error.

            \(FollowHelp.discussion)
            """)

    /// The node.
    @Argument(help: "The node's name.")
    public var node: String

    @OptionGroup var spec: LongSpecOption
    @OptionGroup var state: StateOption

    // `.unconditional` (also for -n): `--from -5` takes -5 as the value, and validate() says
    // what is wrong, instead of taking -5 for an option and reporting a missing value.
    /// Start after.
    @Option(parsing: .unconditional, help: "Print entries after this journal index.")
    public var from: Int = 0

    /// Only the last entries.
    @Option(name: .customShort("n"), parsing: .unconditional, help: "Print only the last N entries (then follow, with -f).")
    public var lines: Int?

    /// Follow.
    @Flag(name: .shortAndLong, help: "Keep printing entries as they are delivered. -f is --follow here, not --spec.")
    public var follow = false

    /// NDJSON output.
    @Flag(help: "Print the journal entries as JSON lines, as the API serves them, plus the sender's node name.")
    public var json = false

    /// Creates the command.
    public init() {}

    /// Checks the flags.
    public func validate() throws {
        if from < 0 { throw ValidationError("--from must be 0 or more") }
        if let lines, lines < 0 { throw ValidationError("-n must be 0 or more") }
    }

    /// Prints the entries; follows with `-f`.
    public func run() async throws {
        spec.warnAboutFollow(command: "tail")
        let runner = try spec.runner(state: state, checkBinaries: false)
        let target = try runner.spec.node(named: node)
        let api = runner.api(for: target)
        let printer = JournalPrinter(json: json, names: runner.spec.namesByAddress)
        let journal = runner.layout.nodeDirectory(target).appendingPathComponent(NodeStateFiles.journal)
        var standardError = StandardError()
        // What the journal holds now: from the node's API, or from its file when it is down.
        var entries: [JournalEntry]
        do {
            try await api.verifyCluster()
            entries = JournalLine.decodeAll(try await api.messages(after: from))
        } catch let error as OrchestratorError where error.code == .nodeDown {
            guard let data = FileManager.default.contents(atPath: journal.path) else {
                throw CLIError(.node, "\(node) does not answer and has no journal at \(journal.path) yet; start it with `headnet up -f \(spec.path)`")
            }
            Swift.print("# \(node) does not answer (not running?); reading its journal on disk, \(journal.path)", to: &standardError)
            entries = JournalLine.decodeAll(data).filter { $0.index > from }
        }
        for entry in lines.map({ Array(entries.suffix($0)) }) ?? entries { printer.print(entry) }
        guard follow else { return }
        // Then what is delivered from now on, through the API's follow stream (while the node
        // is down, it waits for it, and goes on after the last entry shown).
        let name = node
        let follower = JournalFollower(node: target, host: runner.spec.reachableHost(of: target)).entries(after: entries.last?.index ?? from) { reason in
            var standardError = StandardError()
            Swift.print("# \(name) does not answer (\(reason)); following again when it does", to: &standardError)
        }
        for await entry in follower { printer.print(entry) }
    }
}

/// Prints journal entries (`delivered.ndjson` lines, ``NodeAPIModel/JournalEntry``) as text
/// or JSON.
struct JournalPrinter {
    typealias Entry = JournalEntry

    /// An entry as `--json` prints it: the journal's fields, plus the sender's node name.
    private struct Shown: Encodable {
        let entry: Entry
        let senderNode: String?

        func encode(to encoder: any Encoder) throws {
            try entry.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encodeIfPresent(senderNode, forKey: .senderNode)
        }

        enum Key: String, CodingKey { case senderNode }
    }

    let json: Bool
    let names: [String: String]

    /// `index revision sender payload`, or the entry as JSON with `senderNode` added.
    func print(_ entry: Entry) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(Shown(entry: entry, senderNode: names[entry.sender]))) ?? Data()
            Swift.print(String(decoding: data, as: UTF8.self))
        } else {
            Swift.print("\(entry.index)\t\(entry.revision)\t\(names[entry.sender] ?? entry.sender)\t\(String(decoding: entry.payloadBytes, as: UTF8.self))")
        }
        fflush(nil)
    }
}
