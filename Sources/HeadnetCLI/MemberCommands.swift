import ArgumentParser
import ClusterSpec
import Deploy
import Foundation
import HeadnetCore
import Orchestrator

/// `headnet member`: changes and lists the etcd members of a cluster, keeping the spec in step.
public struct MemberCommand: AsyncParsableCommand {
    /// Command name, help and subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "member", abstract: "Add, remove, promote and list the cluster's etcd members (the spec follows).",
        discussion: """
            add and remove write the spec: the node goes into or out of `nodes:`, and `initialCluster:` \
            (the founding members, which name every node's etcd data directory) is written when absent.
            """,
        subcommands: [MemberAddCommand.self, MemberRemoveCommand.self, MemberPromoteCommand.self, MemberListCommand.self])

    /// Creates the command.
    public init() {}
}

/// `headnet member add NAME --listen HOST:PORT [--learner] [--api PORT]`.
public struct MemberAddCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a node: add its etcd member, write it into the spec, start it and wait until it is ready.",
        discussion: """
            With --learner the member joins as a learner (it does not vote), is promoted once its etcd \
            caught up with the leader, and the node then delivers the head's history from revision 1 (or \
            the compaction point, reported as MessagesMissed). Refused unless every voting member is \
            healthy. When a step fails, what was done is undone: the node stopped, its member removed, \
            the spec put back. Exit status: 0 when the node is ready, 1 otherwise.
            """)

    /// The new node's name.
    @Argument(help: "The new node's name.")
    public var name: String

    /// Its etcd peer address.
    @Option(help: "Address its etcd listens on for peers, host:port (also its advertised address).")
    public var listen: String

    /// Its API port.
    @Option(help: "Its HTTP API port (default: \(HydraPorts.apiRule)).")
    public var api: Int?

    /// Join as a learner.
    @Flag(help: "Join as a learner and promote it once it has caught up (else a voting member at once).")
    public var learner = false

    /// `--timeout`.
    @OptionGroup var wait: WaitOptions

    /// `--json`.
    @OptionGroup var output: StepOutputOptions

    @OptionGroup var spec: SpecOption
    @OptionGroup var state: StateOption

    /// Creates the command.
    public init() {}

    /// Checks the flags.
    public func validate() throws {
        do {
            _ = try Address(validating: listen)
        } catch {
            throw ValidationError("--listen: \(error.message)")
        }
        if let api, !(1...65535).contains(api) { throw ValidationError("--api \(api) is not a port (1…65535)") }
    }

    /// Adds the node.
    public func run() async throws {
        let current = try spec.load()
        let original = try spec.text()
        let node = NodeSpec(name: name, listen: try Address(validating: listen), apiPort: api)
        let target: ClusterSpec
        do {
            target = try current.addingMember(node)
        } catch {
            throw CLIError(.spec, "\(spec.path): \(error)")
        }
        let edit = SpecEditor.edit(original, to: target)
        let runner = spec.runner(for: target, state: state)
        try runner.requireNodesOnThisMachine()
        try runner.checkClientPortsAreOurs()
        let printer = output.printer
        if !output.json {
            print("adding \(name) (\(node.advertise), API port \(node.apiPort)) to cluster '\(target.name)' as a \(learner ? "learner" : "voting member")")
        }
        let json = output.json
        let outcome = try await Orchestrator(runner: runner.roles).addMember(
            node, learner: learner, spec: edit, originalSpec: original, timeoutSeconds: wait.timeout,
            undoing: { if !json { print("undoing what this run did") } }
        ) { printer($0) }
        guard outcome.succeeded else {
            let undo = outcome.undone == true
                ? "what it had done was undone (the spec is as before)"
                : "undoing it did not finish either; \(output.seeFailedStep) and `headnet member list -f \(spec.path)`"
            throw CLIError(.cluster, "\(name) was not added; \(undo)")
        }
        if !output.json {
            print("\(name) is a \(learner ? "promoted " : "")voting member and ready; \(target.nodes.count) members: "
                + target.nodes.map(\.name).joined(separator: ", "))
        }
    }
}

/// `headnet member remove NAME`.
public struct MemberRemoveCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a node: stop it, remove its etcd member, take it out of the spec, delete its etcd data.",
        discussion: """
            Refused when the cluster has no quorum or the removal would lose it (in a cluster of two \
            whose other member is down, say). A leader is first relieved with etcd's MoveLeader. The \
            node's journal and logs stay in its state directory. Exit status: 0 when it is removed, 1 \
            otherwise.
            """)

    /// The node.
    @Argument(help: "The node's name.")
    public var name: String

    /// `--json`.
    @OptionGroup var output: StepOutputOptions

    @OptionGroup var spec: SpecOption
    @OptionGroup var state: StateOption

    /// Creates the command.
    public init() {}

    /// Removes the node.
    public func run() async throws {
        let current = try spec.load(checkBinaries: false)
        _ = try current.node(named: name)
        let target: ClusterSpec
        do {
            target = try current.removingMember(named: name)
        } catch {
            throw CLIError(.spec, "\(spec.path): \(error)")
        }
        let edit = SpecEditor.edit(try spec.text(), to: target)
        let printer = output.printer
        let runner = spec.runner(for: current, state: state)
        try runner.checkClientPortsAreOurs()
        let outcome = try await Orchestrator(runner: runner.roles).removeMember(name, spec: edit) { printer($0) }
        guard outcome.succeeded else {
            if case .member(.drainQueue) = outcome.failedStep {
                throw CLIError(
                    .cluster, "\(name) was not removed: broadcasts it accepted are still queued. Start it (`headnet up -f \(spec.path)`) "
                        + "so they go out, stop sending to it, then run `headnet member remove \(name)` again")
            }
            throw CLIError(.cluster, "\(name) was not fully removed; \(output.seeFailedStep) (running `headnet member remove \(name)` again finishes the job)")
        }
        if !output.json { print("\(name) removed; \(target.nodes.count) members: " + target.nodes.map(\.name).joined(separator: ", ")) }
    }
}

/// `headnet member promote NAME`.
public struct MemberPromoteCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "promote", abstract: "Promote a learner to a voting member once its etcd has caught up with the leader.")

    /// The node.
    @Argument(help: "The learner's node name.")
    public var name: String

    /// `--timeout`.
    @OptionGroup var wait: WaitOptions

    /// `--json`.
    @OptionGroup var output: StepOutputOptions

    @OptionGroup var spec: SpecOption
    @OptionGroup var state: StateOption

    /// Creates the command.
    public init() {}

    /// Promotes the learner.
    public func run() async throws {
        let runner = try spec.runner(state: state, checkBinaries: false)
        try runner.checkClientPortsAreOurs()
        _ = try runner.spec.node(named: name)
        let printer = output.printer
        let outcome = try await Orchestrator(runner: runner.roles).promoteMember(name, timeoutSeconds: wait.timeout) { printer($0) }
        guard outcome.succeeded else { throw CLIError(.cluster, "\(name) was not promoted; \(output.seeFailedStep)") }
    }
}

/// `headnet member list`.
public struct MemberListCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the etcd members: name, member ID, peer URL, learner, leader, running.")

    /// JSON output.
    @Flag(help: "Print JSON.")
    public var json = false

    @OptionGroup var spec: SpecOption
    @OptionGroup var state: StateOption

    /// Creates the command.
    public init() {}

    /// Prints the list; exits 1 when no etcd member answers.
    public func run() async throws {
        let runner = try spec.runner(state: state, checkBinaries: false)
        try runner.checkClientPortsAreOurs()
        let observation = await runner.roles.observeMembers()
        let list = MemberList(observation, cluster: runner.spec.name)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(list), as: UTF8.self))
        } else {
            print(Table.render(list.table))
        }
        guard !observation.members.isEmpty else {
            throw CLIError(.cluster, "no etcd member of cluster '\(runner.spec.name)' answers; start it with `headnet up -f \(spec.path)`")
        }
    }
}

extension SpecLocating {
    /// The spec file's text.
    func text() throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CLIError(.spec, "cannot read the spec \(path)", cause: error)
        }
    }
}
