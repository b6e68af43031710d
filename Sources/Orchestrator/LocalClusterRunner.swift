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

    /// Creates a runner for `spec` read from `specPath`, with state under `stateRoot` (default:
    /// where the spec says, ``Deploy/StateLayout/defaultRoot(forSpecAt:)``).
    public init(spec: ClusterSpec, specPath: String, stateRoot: URL? = nil, executable: String = LocalRunner.currentExecutable()) {
        self.spec = spec
        self.layout = StateLayout(
            spec: spec, root: stateRoot.map { URL(fileURLWithPath: CanonicalPath.of($0.path)) } ?? StateLayout.defaultRoot(forSpecAt: specPath))
        self.nodes = LocalRunner(layout: layout, specPath: specPath, executable: executable)
        self.specArgument = specPath
    }

    /// The etcd probe with the cluster's client TLS.
    public var etcd: EtcdProbe {
        EtcdProbe(tls: spec.tlsEnabled ? ClusterPKI(directory: layout.pkiDirectory).clientTLS : nil)
    }

    public func observe() async -> ClusterObservation {
        let observed = processes()
        let running = zip(spec.nodes, observed).filter { $0.1.runningPID != nil || $0.1.leftoverEtcd != nil }.map(\.0)
        return ClusterObservation(
            nodes: observed, leader: await etcd.leader(among: running),
            certificatesPresent: !spec.tlsEnabled || ClusterPKI(directory: layout.pkiDirectory).isComplete(for: spec))
    }

    /// Each node's processes (pid file, command lines, leftover etcd), without asking etcd who
    /// leads: what to show or check once a plan has run.
    public func processes(_ scan: ClusterProcesses? = nil) -> [ClusterObservation.Node] {
        let scan = scan ?? nodes.scan()
        return spec.nodes.map { node in
            let process = nodes.processState(node)
            let unrecorded = scan.nodes[node.name, default: []].filter { $0 != process.runningPID }
            let ownsEtcd = process.runningPID != nil || !unrecorded.isEmpty
            return ClusterObservation.Node(
                name: node.name, process: process, unrecorded: unrecorded, leftoverEtcd: ownsEtcd ? nil : scan.etcds[node.name]?.first,
                held: FileManager.default.fileExists(atPath: layout.heldMarker(node).path))
        }
    }

    public func busyPorts(of node: NodeSpec) async -> [String] {
        LocalRunner.busyPorts(node).map { what, port in
            let holders = Ports.holders(ofPort: port)
            return "\(what) port \(port) " + (holders.isEmpty ? "is in use" : "is held by \(holders.map(\.description).joined(separator: ", "))")
        }
    }

    public func createCertificates() async throws -> String {
        try ClusterPKI.generate(for: spec, in: layout.pkiDirectory)
        return layout.pkiDirectory.path
    }

    /// The cluster's certificates and their rotation.
    public var rotation: CertificateRotation {
        CertificateRotation(spec: spec, pki: ClusterPKI(directory: layout.pkiDirectory))
    }

    public func issueCertificates() async throws -> String {
        let staged = try rotation.stage()
        return "issued \(staged.issued) certificates from the CA into \(rotation.staging.directory.path); "
            + "\(staged.revoking) to revoke once every node runs on the new ones"
    }

    public func installCertificates(of node: NodeSpec?) async throws -> String {
        let names = try rotation.install(node?.name)
        return "\(node.map { "\($0.name): " } ?? "")installed new \(names.filter { !$0.contains("-key") }.joined(separator: ", "))"
            + (node == nil ? " (headnet and each node from its restart)" : "")
    }

    public func revokeCertificates() async throws -> String {
        let list = try rotation.revoke()
        return "revocation list #\(list.number) in place (\(rotation.pki.crlFile), \(list.entries.count) serial numbers): "
            + "etcd refuses the replaced certificates from now on"
    }

    public func start(_ node: NodeSpec) async throws -> Int32 {
        if let host = spec.host(of: node), !host.isThisMachine { throw Self.remoteHostsRefusal([(node, host)]) }
        return try nodes.start(node)
    }

    public func isRunning(_ node: NodeSpec) async -> Bool {
        // Whether the process recorded for the node lives. Not its command line: right after
        // posix_spawn returns, /proc/<pid>/cmdline can still read empty while the kernel
        // finishes the exec, and a node just started would look like another program.
        if let pid = nodes.pidFile(node).pid, ProcessControl.isAlive(pid) { return true }
        return !nodes.scan().nodes[node.name, default: []].isEmpty  // started by hand
    }

    public func isReady(_ node: NodeSpec) async -> Bool {
        await NodeAPIClient(node: node, pidFile: nodes.pidFile(node)).isReady()
    }

    public func stop(_ node: NodeSpec, pid: Int32) async -> Bool {
        let gone = await nodes.stop(pid: pid)
        if gone { nodes.pidFile(node).remove() }
        return gone
    }

    public func stopEtcd(_ node: NodeSpec, pid: Int32) async -> Bool {
        let gone = await ProcessControl.stop(pid, sequence: .terminate())
        if gone { nodes.etcdPIDFile(node).remove() }
        return gone
    }

    public func removePIDFile(_ node: NodeSpec) async {
        nodes.pidFile(node).remove()
    }

    public func setHeld(_ node: NodeSpec, _ held: Bool) async throws {
        let marker = layout.heldMarker(node)
        do {
            if held {
                try FileManager.default.createDirectory(at: marker.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data("stopped with `headnet stop`; `headnet start \(node.name)` starts it\n".utf8).write(to: marker)
            } else if FileManager.default.fileExists(atPath: marker.path) {
                try FileManager.default.removeItem(at: marker)
            }
        } catch {
            throw OrchestratorError(.state, "cannot \(held ? "write" : "remove") \(marker.path)", cause: error)
        }
    }

    public func failureDetails(_ node: NodeSpec) async -> [String] {
        ["last lines of \(nodes.logFile(node).path):"] + LocalRunner.tail(nodes.logFile(node), lines: 15).map { "  \($0)" } + [
            "`headnet logs \(node.name) --etcd --spec \(specArgument)` shows its etcd's log",
        ]
    }

    public func purgeState() async throws -> String {
        let left = nodes.scan()
        // Also any pid file of the cluster naming a live etcd or node, however it was started.
        let recorded = spec.nodes.flatMap { node in
            [nodes.pidFile(node), nodes.etcdPIDFile(node)].compactMap { file -> Int32? in
                guard let pid = file.pid, ProcessControl.isAlive(pid),
                    let arguments = ProcessControl.commandLine(pid),
                    arguments.contains("node") || arguments.first.map({ URL(fileURLWithPath: $0).lastPathComponent.hasPrefix("etcd") }) == true
                else { return nil }
                return pid
            }
        }
        guard left.isEmpty, recorded.isEmpty else {
            let pids = Set(left.nodes.values.flatMap { $0 } + left.etcds.values.flatMap { $0 } + recorded).sorted().map(String.init)
            throw OrchestratorError(
                .state, "processes of cluster '\(spec.name)' still run (pid \(pids.joined(separator: ", "))); not deleting the state of a running etcd")
        }
        do {
            if FileManager.default.fileExists(atPath: layout.clusterDirectory.path) {
                try FileManager.default.removeItem(at: layout.clusterDirectory)
            }
        } catch {
            throw OrchestratorError(.state, "cannot remove \(layout.clusterDirectory.path)", cause: error)
        }
        return layout.clusterDirectory.path
    }

    public func moveLeader(from leader: NodeSpec, to target: NodeSpec) async throws {
        do {
            try await etcd.moveLeader(from: leader, to: target)
        } catch {
            // etcd can close the call's stream while leadership moves ("Stream unexpectedly
            // closed"): what counts is who leads afterwards.
            let deadline = ContinuousClock.now.advanced(by: .seconds(5))
            while ContinuousClock.now < deadline {
                if let now = await etcd.leader(among: spec.nodes), now != leader.name { return }
                try? await Task.sleep(for: .milliseconds(100))
            }
            throw error
        }
    }

    public func progress(of node: NodeSpec) async throws -> NodeProgress {
        let api = api(for: node)
        let status = try await api.statusDocument()
        try api.verify(status)
        let delivered = status.network.lastKnownRevision
        let keys = try await etcd.aliveAndNewestMessage(node)
        return NodeProgress(aliveKey: keys.alive, delivered: delivered, newestMessage: keys.newestMessage)
    }

    /// Refuses when a node of the spec is on a host other than this machine
    /// (``ClusterSpec/ClusterSpec/remoteNodes``): this runner starts nodes here only. Commands
    /// that start nodes (`up`, `restart`, `member add`, `certs rotate`) call it before they do
    /// anything.
    ///
    /// - Throws: ``OrchestratorError`` `unsupported`, naming each such node and its host.
    public func requireNodesOnThisMachine() throws(OrchestratorError) {
        let remote = spec.remoteNodes
        guard remote.isEmpty else { throw Self.remoteHostsRefusal(remote) }
    }

    /// `node carol is on host h2 (10.77.0.2): remote hosts are not supported yet; …`.
    static func remoteHostsRefusal(_ remote: [(node: NodeSpec, host: HostSpec)]) -> OrchestratorError {
        let placed = remote.map { "node \($0.node.name) is on host \($0.host.name) (\($0.host.address))" }.joined(separator: ", ")
        let them = remote.count == 1 ? remote[0].node.name : "them"
        return OrchestratorError(
            .unsupported,
            "\(placed): remote hosts are not supported yet; headnet starts nodes on this machine only. "
                + "Put \(them) on this machine (host `local`), or run \(them) there yourself: `headnet generate` writes the etcd configs, certificates and systemd unit")
    }

    /// Refuses when another cluster's etcd holds a node's etcd client port (a second checkout of
    /// the same spec, say): commands that change etcd must not reach the wrong cluster.
    ///
    /// - Throws: ``OrchestratorError`` `wrongCluster`, naming the holder.
    public func checkClientPortsAreOurs() throws {
        let scan = nodes.scan()
        for node in spec.nodes {
            try ClusterStatus.checkClientPortHolder(node, ours: scan.etcds[node.name, default: []], runner: self)
        }
    }
}
