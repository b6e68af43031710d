import ClusterSpec
import Deploy
import Foundation
import HeadnetCore
import Processes

/// This machine as a ``NodeHost``: nodes are background processes, `headnet node --spec --name`
/// started in a session of its own (detached from the terminal, outliving the command that
/// started it), with a pid file and log files in the node's state directory.
public struct LocalHost: Sendable {
    /// The cluster's state layout.
    public let layout: StateLayout
    /// The spec file the nodes are started with (canonical: absolute, symbolic links resolved).
    public let specPath: String
    /// The `headnet` executable.
    public let executable: String
    /// Extra environment for some nodes' processes, by node name (a drill's test seams, e.g.
    /// ``HeadnetCore/EtcdDialOverride``); empty for every command but `headnet drill`.
    public let nodeEnvironment: [String: [String: String]]

    /// This machine, running the nodes of `layout`'s cluster with `executable`, each with
    /// `nodeEnvironment[name]` added to its environment.
    public init(layout: StateLayout, specPath: String, executable: String, nodeEnvironment: [String: [String: String]] = [:]) {
        self.layout = layout
        self.specPath = CanonicalPath.of(specPath)
        self.executable = executable
        self.nodeEnvironment = nodeEnvironment
    }

    /// `<node>/node.pid`.
    public func pidFile(_ node: NodeSpec) -> PIDFile { PIDFile(layout.nodeDirectory(node).appendingPathComponent(NodeStateFiles.nodePID)) }
    /// `<node>/etcd.pid`: the node's etcd child, written by the node.
    public func etcdPIDFile(_ node: NodeSpec) -> PIDFile { PIDFile(layout.nodeDirectory(node).appendingPathComponent(NodeStateFiles.etcdPID)) }
    /// `<node>/node.log`: the node's log (standard error).
    public func logFile(_ node: NodeSpec) -> URL { layout.nodeDirectory(node).appendingPathComponent(NodeStateFiles.log) }
    /// `<node>/trace.ndjson`: the network component's trace, etcd's own log lines included.
    public func traceFile(_ node: NodeSpec) -> URL { layout.nodeDirectory(node).appendingPathComponent(NodeStateFiles.trace) }

    /// The node's pid file, checked against the process: `headnet node … --name <node>` of our spec.
    public func processState(_ node: NodeSpec) -> PIDFile.State {
        pidFile(node).state { arguments in
            arguments.contains("node") && arguments.contains(node.name) && arguments.contains(specPath)
        }
    }

    /// The processes of this cluster on this machine, found by their command lines: `headnet
    /// node` processes started with our spec (from any directory, by `up` or by hand) and etcd
    /// processes whose arguments point into a node's state directory.
    public func scan() -> ClusterProcesses {
        var found = ClusterProcesses()
        let nodeDirectories = layout.clusterDirectory.path + "/"
        for process in ProcessTable.snapshot() where process.pid != getpid() {
            let arguments = process.arguments
            if arguments.count > 1, arguments[1] == "node", let name = process.value(of: "--name"),
                let spec = process.value(of: "--spec") ?? process.value(of: "-f"), process.resolvedPath(spec) == specPath {
                found.nodes[name, default: []].append(process.pid)
            } else if let executable = arguments.first, URL(fileURLWithPath: executable).lastPathComponent.hasPrefix("etcd"),
                let inside = arguments.dropFirst().first(where: { $0.hasPrefix(nodeDirectories) }) {
                let name = String(inside.dropFirst(nodeDirectories.count).prefix { $0 != "/" })
                found.etcds[name, default: []].append(process.pid)
            }
        }
        return found
    }

    /// Starts the node detached and records its pid; returns the pid. In `namespace`, it runs
    /// as `ip netns exec <namespace> headnet node …`: `ip` execs the node, so the pid is the node's.
    func spawn(_ node: NodeSpec, namespace: String? = nil) throws -> Int32 {
        let directory = layout.nodeDirectory(node)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw OrchestratorError(.state, "cannot create \(directory.path)", cause: error)
        }
        // Two malloc arenas instead of one per busy thread: about 2 MiB less memory per node
        // after 100,000 messages (`headnet bench`), no change in throughput. A node that crashes
        // writes its backtrace to its log and exits: Swift's backtracer would otherwise wait for
        // a debugger, holding the node's ports, when the parent has a terminal.
        let command = [executable, "node", "--spec", specPath, "--name", node.name, "--state-dir", layout.clusterDirectory.deletingLastPathComponent().path]
        let inherited = ProcessInfo.processInfo.environment
        var environment: [String: String?] = [
            "MALLOC_ARENA_MAX": inherited["MALLOC_ARENA_MAX"] ?? "2",
            "SWIFT_BACKTRACE": inherited["SWIFT_BACKTRACE"] ?? "interactive=no",
        ]
        for (name, value) in nodeEnvironment[node.name] ?? [:] { environment[name] = value }
        let spec = ProcessSpec(
            namespace == nil ? executable : "ip", namespace.map { ["netns", "exec", $0] + command } ?? Array(command.dropFirst()),
            environment: environment)
        let pid: Int32
        do {
            pid = try DetachedProcess.spawn(spec, standardOutput: traceFile(node), standardError: logFile(node))
            try pidFile(node).write(pid)
        } catch {
            throw OrchestratorError(.tool, "cannot start node \(node.name)", cause: error)
        }
        return pid
    }

    /// Every port of `node` that is taken now: (what, port).
    static func takenPorts(_ node: NodeSpec) -> [(String, Int)] {
        var busy: [(String, Int)] = []
        if !Ports.isFree(host: node.listen.host, port: node.listen.port) { busy.append(("peer (listen)", node.listen.port)) }
        if !Ports.isFree(host: "127.0.0.1", port: node.clientPort) { busy.append(("etcd client", node.clientPort)) }
        if !Ports.isFree(host: "127.0.0.1", port: node.apiPort) { busy.append(("api", node.apiPort)) }
        return busy
    }

    /// The last `count` lines of a file.
    static func tail(_ file: URL, lines count: Int) -> [String] {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return Array(text.split(separator: "\n", omittingEmptySubsequences: false).suffix(count + 1).dropLast(text.hasSuffix("\n") ? 1 : 0))
            .map(String.init)
    }
}

/// The processes of one cluster found on this machine by ``LocalHost/scan()``.
public struct ClusterProcesses: Sendable, Hashable {
    /// `headnet node` processes, by node name.
    public var nodes: [String: [Int32]] = [:]
    /// etcd processes, by the node whose state directory they use.
    public var etcds: [String: [Int32]] = [:]

    /// Nothing found.
    public init() {}

    /// Whether no process of the cluster runs.
    public var isEmpty: Bool { nodes.values.allSatisfy(\.isEmpty) && etcds.values.allSatisfy(\.isEmpty) }
}
