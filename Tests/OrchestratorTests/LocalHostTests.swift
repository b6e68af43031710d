import ClusterSpec
import Deploy
import EtcdTesting
import Foundation
import HeadnetCore
import HeadNetwork
import Processes
import Testing

@testable import Orchestrator

/// The node files ``LocalHost`` reads for the planners, in a state directory made here.
@Suite struct LocalHostTests {
    /// A cluster `name` of one node, bob, in a new state root (the caller removes it), and its
    /// local host.
    static func host(of name: String) -> (root: URL, bob: NodeSpec, layout: StateLayout, host: LocalHost) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-local-host-\(UUID().uuidString)")
        let bob = NodeSpec(name: "bob", listen: Address(host: "127.0.0.1", port: 5002))
        let layout = StateLayout(spec: ClusterSpec(name: name, nodes: [bob]), root: root)
        return (root, bob, layout, LocalHost(layout: layout, specPath: root.appendingPathComponent("\(name).yaml").path, executable: "/bin/false"))
    }

    @Test func aStoppedNodesFilesSayWhatItHolds() async throws {
        let (root, bob, layout, host) = Self.host(of: "files")
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(await host.lastKnownRevision(of: bob) == 0, "no file: it has delivered nothing")
        #expect(await !host.hasEtcdData(bob))
        #expect(try await host.removeEtcdData(bob) == nil)

        let directory = layout.nodeDirectory(bob)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("etcd/member"), withIntermediateDirectories: true)
        try await RevisionStore(directory: directory).save(400)
        #expect(await host.lastKnownRevision(of: bob) == 400)
        #expect(await host.hasEtcdData(bob))
        #expect(try await host.removeEtcdData(bob) == directory.appendingPathComponent("etcd").path)
        #expect(await !host.hasEtcdData(bob))
        #expect(await host.storedBroadcasts(of: bob) == 0)
        #expect(await host.processes(of: [bob]) == [ClusterObservation.Node(name: "bob", process: .none)])
    }

    /// A drill's kill, pause and resume: the signal goes to the process the pid file names.
    @Test func signalsGoToTheProcessOfThePIDFile() async throws {
        let (root, bob, layout, host) = Self.host(of: "signals")
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(await host.signal(bob, SIGSTOP, etcd: true) == nil, "no etcd pid file: nothing to signal")
        try FileManager.default.createDirectory(at: layout.nodeDirectory(bob), withIntermediateDirectories: true)
        let pid = try DetachedProcess.spawn(
            ProcessSpec("/bin/sleep", ["60"]), standardOutput: root.appendingPathComponent("out"), standardError: root.appendingPathComponent("err"))
        defer { ProcessControl.send(SIGKILL, to: pid) }
        try host.etcdPIDFile(bob).write(pid)
        #expect(await host.signal(bob, SIGSTOP, etcd: true) == pid)
        try await eventually("bob's etcd stopped by SIGSTOP", timeout: .seconds(5)) { ProcessControl.isStopped(pid) }
        #expect(await host.signal(bob, SIGCONT, etcd: true) == pid)
        try await eventually("bob's etcd running again after SIGCONT", timeout: .seconds(5)) { !ProcessControl.isStopped(pid) }
        #expect(await host.signal(bob, SIGKILL, etcd: false) == nil, "the node's own pid file names nothing")
        #expect(await host.signal(bob, SIGKILL, etcd: true) == pid)
        #expect(await ProcessControl.waitForExit(pid, timeout: .seconds(5)))
    }
}
