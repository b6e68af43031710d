import ClusterSpec
import Foundation
import HeadNetwork
import HeadnetCore
import Processes

/// The node role on this machine: processes found by their pid files and command lines, files
/// in the nodes' state directories.
extension LocalHost: NodeHost {
    public func processes(of nodes: [NodeSpec]) async -> [ClusterObservation.Node] {
        processes(of: nodes, scan: scan())
    }

    /// Each of `nodes`' processes as `scan` found them, with its pid file.
    public func processes(of nodes: [NodeSpec], scan: ClusterProcesses) -> [ClusterObservation.Node] {
        nodes.map { node in
            let process = processState(node)
            let unrecorded = scan.nodes[node.name, default: []].filter { $0 != process.runningPID }
            let ownsEtcd = process.runningPID != nil || !unrecorded.isEmpty
            return ClusterObservation.Node(
                name: node.name, process: process, unrecorded: unrecorded, leftoverEtcd: ownsEtcd ? nil : scan.etcds[node.name]?.first)
        }
    }

    public func busyPorts(of node: NodeSpec) async -> [String] {
        Self.takenPorts(node).map { what, port in
            let holders = Ports.holders(ofPort: port)
            return "\(what) port \(port) " + (holders.isEmpty ? "is in use" : "is held by \(holders.map(\.description).joined(separator: ", "))")
        }
    }

    public func start(_ node: NodeSpec) async throws -> Int32 {
        try spawn(node)
    }

    public func isRunning(_ node: NodeSpec) async -> Bool {
        // Whether the process recorded for the node lives. Not its command line: right after
        // posix_spawn returns, /proc/<pid>/cmdline can still read empty while the kernel
        // finishes the exec, and a node just started would look like another program.
        if let pid = pidFile(node).pid, ProcessControl.isAlive(pid) { return true }
        return !scan().nodes[node.name, default: []].isEmpty  // started by hand
    }

    public func stoppedPID(of node: NodeSpec) async -> Int32? {
        ProcessControl.stoppedPID(pidFile(node).pid)
    }

    public func signal(_ node: NodeSpec, _ signal: Int32, etcd: Bool) async -> Int32? {
        let file = etcd ? etcdPIDFile(node) : pidFile(node)
        guard let pid = file.pid, ProcessControl.isAlive(pid), ProcessControl.send(signal, to: pid) else { return nil }
        return pid
    }

    /// SIGINT; SIGTERM after 5 s; SIGKILL after 10 s more (the node spends up to 5 s + 5 s
    /// stopping its etcd after SIGTERM). Removes the pid file once it is gone.
    public func stop(_ node: NodeSpec, pid: Int32) async -> Bool {
        let gone = await ProcessControl.stop(pid, sequence: .graceful(.seconds(5), termGrace: .seconds(10)))
        if gone { pidFile(node).remove() }
        return gone
    }

    public func stopEtcd(_ node: NodeSpec, pid: Int32) async -> Bool {
        let gone = await ProcessControl.stop(pid, sequence: .terminate())
        if gone { etcdPIDFile(node).remove() }
        return gone
    }

    public func removePIDFile(_ node: NodeSpec) async {
        pidFile(node).remove()
    }

    public func log(of node: NodeSpec, lines: Int) async -> (path: String, lines: [String]) {
        (logFile(node).path, Self.tail(logFile(node), lines: lines))
    }

    public func storedBroadcasts(of node: NodeSpec) async -> Int {
        (try? PersistentQueue.storedCount(in: layout.nodeDirectory(node).appendingPathComponent(NodeStateFiles.queue))) ?? 0
    }

    public func lastKnownRevision(of node: NodeSpec) async -> Int64? {
        try? RevisionStore(directory: layout.nodeDirectory(node)).load()
    }

    public func hasEtcdData(_ node: NodeSpec) async -> Bool {
        !((try? FileManager.default.contentsOfDirectory(atPath: etcdDataDirectory(node).path)) ?? []).isEmpty
    }

    public func removeEtcdData(_ node: NodeSpec) async throws -> String? {
        let directory = etcdDataDirectory(node)
        guard FileManager.default.fileExists(atPath: directory.path) else { return nil }
        do {
            try FileManager.default.removeItem(at: directory)
        } catch {
            throw OrchestratorError(.state, "cannot remove \(directory.path)", cause: error)
        }
        return directory.path
    }

    public func markJoiningExisting(_ node: NodeSpec) async throws {
        let directory = layout.nodeDirectory(node)
        let marker = directory.appendingPathComponent(NodeStateFiles.joinExisting)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data().write(to: marker)
        } catch {
            throw OrchestratorError(.state, "cannot write \(marker.path)", cause: error)
        }
    }

    public func stageRestore(_ restore: RestorePlanner.MemberRestore) async throws {
        let fileManager = FileManager.default
        do {
            try? fileManager.removeItem(atPath: restore.stagingDirectory)  // left by an interrupted restore
            let parent = URL(fileURLWithPath: restore.stagingDirectory).deletingLastPathComponent()
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw OrchestratorError(.state, "cannot prepare \(restore.node)'s etcd directory", cause: error)
        }
        let result = try await Etcdctl(executable: restore.etcdctl).run(restore.arguments)
        guard result.status.isSuccess else {
            throw OrchestratorError(
                .snapshot, "`\(restore.etcdctl) \(restore.arguments.joined(separator: " "))` \(result.status): \(Etcdctl.lastLines(result.output))")
        }
    }

    public func installRestore(_ restore: RestorePlanner.MemberRestore) async throws {
        do {
            try FileManager.default.moveItem(atPath: restore.stagingDirectory, toPath: restore.dataDirectory)
        } catch {
            throw OrchestratorError(.state, "cannot move \(restore.stagingDirectory) to \(restore.dataDirectory)", cause: error)
        }
    }

    /// `<node>/etcd`: every etcd data directory of the node (one per founding cluster).
    func etcdDataDirectory(_ node: NodeSpec) -> URL { layout.nodeDirectory(node).appendingPathComponent(NodeStateFiles.etcdData) }
}
