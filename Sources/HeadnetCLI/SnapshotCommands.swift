import ArgumentParser
import Foundation
import HeadnetCore
import Orchestrator

/// `headnet snapshot save|restore`: backups of a cluster's etcd data.
public struct SnapshotCommand: AsyncParsableCommand {
    /// Command name, help and subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Save a snapshot of a cluster's etcd data, or rebuild a stopped cluster from one.",
        subcommands: [SnapshotSaveCommand.self, SnapshotRestoreCommand.self])

    /// Creates the command.
    public init() {}
}

/// `headnet snapshot save FILE`: a snapshot of the leader's (or a named node's) etcd member.
public struct SnapshotSaveCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "save", abstract: "Save a snapshot of the leader's etcd member (or --node's) to FILE, checked against etcd's sha256.",
        discussion: """
            etcd streams its database followed by the sha256 of it; the file keeps both, as \
            `etcdctl snapshot save` writes it, and is checked before it is reported saved (a file \
            that fails is deleted). The revision comes from `etcdctl snapshot status`, the key \
            count from the member. Exit status: 0 when the snapshot is saved and whole, 1 otherwise.
            """)

    /// Where to write.
    @Argument(help: ArgumentHelp("The snapshot file to write (replaced when it exists).", valueName: "file"))
    public var file: String

    @OptionGroup var spec: SpecOption
    @OptionGroup var state: StateOption

    /// Which member.
    @Option(help: ArgumentHelp("Take the snapshot from this node's etcd member instead of the leader's.", valueName: "name"))
    public var node: String?

    /// `--json`.
    @OptionGroup var output: StepOutputOptions

    /// Creates the command.
    public init() {}

    /// Saves and checks the snapshot.
    public func run() async throws {
        let runner = try spec.runner(state: state, checkBinaries: false)
        if let node { _ = try runner.spec.node(named: node) }
        let printer = output.printer
        let outcome = try await ClusterMaintenance(runner: runner).saveSnapshot(to: file, node: node) { printer($0) }
        guard outcome.succeeded else { throw CLIError(.cluster, "no snapshot was saved; \(output.seeFailedStep)") }
        if !output.json { print("restore it with `headnet snapshot restore \(file) -f \(spec.path)` on the stopped, purged cluster") }
    }
}

/// `headnet snapshot restore FILE`: rebuilds a stopped cluster's etcd data from a snapshot.
public struct SnapshotRestoreCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Rebuild every node's etcd data directory of a stopped, purged cluster from FILE.",
        discussion: """
            Checks FILE (its sha256 and `etcdctl snapshot status`), then runs `etcdctl snapshot \
            restore` once per node with the member name, initial cluster, token and peer URL that \
            the node's etcd is started with, into the data directory the node will use. Refused \
            while any process of the cluster runs and when a node has state (run `headnet down \
            --purge` first). The nodes' other state starts empty: after `headnet up`, every node \
            delivers the messages in the snapshot from the start. Exit status: 0 when every node \
            is restored, 1 otherwise (then no node is).
            """)

    /// The snapshot.
    @Argument(help: ArgumentHelp("The snapshot file (from `headnet snapshot save` or `etcdctl snapshot save`).", valueName: "file"))
    public var file: String

    @OptionGroup var spec: SpecOption
    @OptionGroup var state: StateOption

    /// `--json`.
    @OptionGroup var output: StepOutputOptions

    /// Creates the command.
    public init() {}

    /// Restores every node.
    public func run() async throws {
        let runner = try spec.runner(state: state, checkBinaries: false)
        let printer = output.printer
        let (snapshot, outcome) = try await ClusterMaintenance(runner: runner).restore(from: file) { printer($0) }
        guard outcome.succeeded else {
            throw CLIError(
                .cluster, "no node was restored" + (outcome.undone == false ? " (and what the restore wrote is not all deleted)" : "")
                    + "; \(output.seeFailedStep)")
        }
        if !output.json {
            print("cluster '\(runner.spec.name)' restored to revision \(snapshot.status.revision); start it with `headnet up -f \(spec.path)`")
        }
    }
}

/// `headnet defrag`: defragments every etcd member, the leader last.
public struct DefragCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "defrag", abstract: "Defragment every etcd member of a cluster, one at a time, the leader last; print each one's size before and after.",
        discussion: """
            Defragmenting rewrites a member's database without its free pages and blocks that \
            member while it runs, so members go one at a time: the followers first, the leader \
            last. Refused unless every member answers and one leads. Exit status: 0 when every \
            member was defragmented, 1 otherwise (the members after a failed one are left as they were).
            """)

    @OptionGroup var spec: SpecOption
    @OptionGroup var state: StateOption

    /// `--json`.
    @OptionGroup var output: StepOutputOptions

    /// Creates the command.
    public init() {}

    /// Defragments the members.
    public func run() async throws {
        let runner = try spec.runner(state: state, checkBinaries: false)
        let printer = output.printer
        let outcome = try await ClusterMaintenance(runner: runner).defragment { printer($0) }
        guard outcome.succeeded else {
            let order = outcome.plan.steps.compactMap(\.node)
            let rest = outcome.failedStep?.node.flatMap { order.firstIndex(of: $0) }.map { Array(order.dropFirst($0 + 1)) } ?? []
            throw CLIError(
                .cluster, "defragmentation stopped at the failed step" + (rest.isEmpty ? "" : "; \(rest.joined(separator: ", ")) were not defragmented")
                    + "; \(output.seeFailedStep)")
        }
        if !output.json { print("defragmented \(outcome.plan.steps.count) members of cluster '\(runner.spec.name)'") }
    }
}
