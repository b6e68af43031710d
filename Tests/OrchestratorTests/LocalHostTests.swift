import ClusterSpec
import Deploy
import Foundation
import HeadnetCore
import HeadNetwork
import Testing

@testable import Orchestrator

/// The node files ``LocalHost`` reads for the planners, in a state directory made here.
@Suite struct LocalHostTests {
    @Test func aStoppedNodesFilesSayWhatItHolds() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-local-host-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let bob = NodeSpec(name: "bob", listen: Address(host: "127.0.0.1", port: 5002))
        let layout = StateLayout(spec: ClusterSpec(name: "files", nodes: [bob]), root: root)
        let host = LocalHost(layout: layout, specPath: root.appendingPathComponent("files.yaml").path, executable: "/bin/false")
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
}
