import EtcdClient
import EtcdTesting
import Foundation
import HeadnetCore
import Processes
import Testing

@testable import HeadNetwork

/// A node of the network component under test: real etcd child, real persistence directory.
final class TestNode: Sendable {
    let configuration: EtcdNetworkConfiguration
    let delivered = LockedValue<[Delivered<TestMessage>]>([])
    let events = LockedValue<[NetworkEvent]>([])
    let traces = LockedValue<[EtcdLog]>([])
    private let current: LockedValue<EtcdNetwork<TestMessageCodec>>
    let task = LockedValue<Task<Void, any Error>?>(nil)
    /// The error the component stopped with, if it did.
    let failure = LockedValue<(any Error)?>(nil)

    init(_ configuration: EtcdNetworkConfiguration) throws {
        self.configuration = configuration
        current = LockedValue(try Self.makeNetwork(configuration, delivered: delivered, events: events, traces: traces))
    }

    private static func makeNetwork(
        _ configuration: EtcdNetworkConfiguration, delivered: LockedValue<[Delivered<TestMessage>]>,
        events: LockedValue<[NetworkEvent]>, traces: LockedValue<[EtcdLog]>
    ) throws -> EtcdNetwork<TestMessageCodec> {
        try EtcdNetwork(
            configuration: configuration, codec: TestMessageCodec(),
            tracer: { entry in traces.withLock { $0.append(entry) } },
            onMessage: { message in delivered.withLock { $0.append(message) } },
            onEvent: { event in events.withLock { $0.append(event) } })
    }

    /// The component of the current run.
    var network: EtcdNetwork<TestMessageCodec> { current.value }

    /// Stops the node and starts a fresh component on the same persistence directory, as a
    /// restarted process would; delivered messages and events keep accumulating.
    func restart() async throws {
        try await stop()
        let fresh = try Self.makeNetwork(configuration, delivered: delivered, events: events, traces: traces)
        current.withLock { $0 = fresh }
        start()
    }

    var advertise: Address { configuration.advertise }
    var messages: [TestMessage] { delivered.value.map(\.message) }

    func start() {
        let network = self.network
        let failure = self.failure
        task.withLock {
            $0 = Task {
                do {
                    try await network.run()
                } catch {
                    failure.withLock { $0 = error }
                    throw error
                }
            }
        }
    }

    /// Throws the component's error when it stopped on its own (e.g. its etcd exited).
    func checkRunning() throws {
        if let error = failure.value { throw error }
    }

    /// Cancels the component (stopping etcd gracefully) and waits for it.
    func stop() async throws {
        guard let running = task.withLock({ task in defer { task = nil }; return task }) else { return }
        running.cancel()
        try await running.value
    }
}

/// Several test nodes on loopback that know each other.
final class TestNodes: Sendable {
    let root: URL
    let nodes: [TestNode]

    init(count: Int, versions: [UInt64]? = nil, hostname: String = "127.0.0.1") throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-net-\(UUID().uuidString)")
        self.root = root
        let ports = try FreePortPairs.pick(count)
        let hosts = ports.map { Address(hostname: hostname, port: $0) }
        nodes = try hosts.enumerated().map { index, host in
            try TestNode(EtcdNetworkConfiguration(
                persistenceDirectory: root.appendingPathComponent("node\(index)"),
                listen: host, peers: hosts.filter { $0 != host }, protocolVersion: versions?[index] ?? 2,
                extraEtcdArguments: ["--heartbeat-interval", "50", "--election-timeout", "500"]))
        }
    }

    subscript(index: Int) -> TestNode { nodes[index] }

    /// Runs `body` with the nodes; always stops every node and removes the directories.
    static func with<R: Sendable>(
        count: Int, versions: [UInt64]? = nil, hostname: String = "127.0.0.1", start: Bool = true, _ body: (TestNodes) async throws -> R
    ) async throws -> R {
        let nodes = try TestNodes(count: count, versions: versions, hostname: hostname)
        if start { for node in nodes.nodes { node.start() } }
        do {
            let result = try await body(nodes)
            await nodes.stopAll()
            return result
        } catch {
            await nodes.stopAll()
            throw error
        }
    }

    func stopAll() async {
        for node in nodes { try? await node.stop() }
        try? FileManager.default.removeItem(at: root)
    }

    /// A client on one node's etcd.
    func withClient<R: Sendable>(_ index: Int, _ body: (EtcdClient) async throws -> R) async throws -> R {
        try await EtcdClient.withClient(.init(endpoints: [nodes[index].configuration.clientURL]), body)
    }
}

/// Listen ports whose Hydra-derived etcd client port (listen − 2622) is free too.
enum FreePortPairs {
    static func pick(_ count: Int) throws -> [Int] {
        try Ports.pickFree(count, offsets: [5001 - 2379])
    }
}
