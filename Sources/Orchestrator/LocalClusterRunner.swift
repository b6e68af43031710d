import ClusterSpec
import Deploy
import Foundation
import Processes

/// Executes plans on this machine: nodes are background `headnet node` processes
/// (``Deploy/LocalRunner``), readiness comes from their API, the leader from etcd.
public struct LocalClusterRunner: ClusterRunner {
    /// The cluster.
    public let spec: ClusterSpec
    /// Where its state lives.
    public let layout: StateLayout
    /// Starts and stops the node processes.
    public let nodes: LocalRunner
    /// The spec file as the user named it, for the commands suggested on failure.
    public let specArgument: String

    /// Creates a runner for `spec` read from `specPath`, with state under `stateRoot`.
    public init(spec: ClusterSpec, specPath: String, stateRoot: URL, executable: String = LocalRunner.currentExecutable()) {
        self.spec = spec
        self.layout = StateLayout(spec: spec, root: stateRoot)
        self.nodes = LocalRunner(layout: layout, specPath: specPath, executable: executable)
        self.specArgument = specPath
    }

    /// The etcd probe with the cluster's client TLS.
    public var etcd: EtcdProbe {
        EtcdProbe(tls: spec.tlsEnabled ? ClusterPKI(directory: layout.pkiDirectory).clientTLS : nil)
    }

    public func observe() async -> ClusterObservation {
        let observed = spec.nodes.map { ClusterObservation.Node(name: $0.name, process: nodes.processState($0)) }
        let running = zip(spec.nodes, observed).filter { $0.1.runningPID != nil }.map(\.0)
        return ClusterObservation(
            nodes: observed, leader: await etcd.leader(among: running),
            certificatesPresent: !spec.tlsEnabled || ClusterPKI(directory: layout.pkiDirectory).isComplete(for: spec))
    }

    public func busyPorts(of node: NodeSpec) async -> [String] {
        LocalRunner.busyPorts(node).map { "\($0.0) port \($0.1)" }
    }

    public func createCertificates() async throws -> String {
        try ClusterPKI.generate(for: spec, in: layout.pkiDirectory)
        return layout.pkiDirectory.path
    }

    public func start(_ node: NodeSpec) async throws -> Int32 {
        try nodes.start(node)
    }

    public func isRunning(_ node: NodeSpec) async -> Bool {
        // Whether the process recorded for the node lives. Not its command line: right after
        // posix_spawn returns, /proc/<pid>/cmdline can still read empty while the kernel
        // finishes the exec, and a node just started would look like another program.
        nodes.pidFile(node).pid.map(ProcessControl.isAlive) ?? false
    }

    public func isReady(_ node: NodeSpec) async -> Bool {
        await NodeAPIClient(node: node).isReady()
    }

    public func stop(_ node: NodeSpec, pid: Int32) async -> Bool {
        let gone = await nodes.stop(pid: pid)
        if gone { nodes.pidFile(node).remove() }
        return gone
    }

    public func removePIDFile(_ node: NodeSpec) async {
        nodes.pidFile(node).remove()
    }

    public func failureDetails(_ node: NodeSpec) async -> [String] {
        ["last lines of \(nodes.logFile(node).path):"] + LocalRunner.tail(nodes.logFile(node), lines: 15).map { "  \($0)" } + [
            "`headnet logs \(node.name) --etcd \(specArgument)` shows its etcd's log",
            "`headnet down \(specArgument)` stops the other nodes",
        ]
    }

    public func purgeState() async throws -> String {
        do {
            if FileManager.default.fileExists(atPath: layout.clusterDirectory.path) {
                try FileManager.default.removeItem(at: layout.clusterDirectory)
            }
        } catch {
            throw OrchestratorError(.state, "cannot remove \(layout.clusterDirectory.path)", cause: error)
        }
        return layout.clusterDirectory.path
    }
}
