import Foundation
import Processes
import Testing

@testable import Orchestrator

/// Real namespaces, bridges and `tc` (as root): skipped, saying why, where
/// ``NamespaceNetwork/unsupportedReason()`` says they cannot run.
@Suite(.serialized, .enabled("needs root, iproute2 and network namespaces", { await NamespaceSupport.supported }))
struct NamespaceNetworkRootTests {
    @Test func eachNamespaceReachesTheOthersAndTheBridge() async throws {
        try await NamespaceSupport.withNetwork(["alice", "bob", "carol"]) { network in
            let (alice, bob, carol) = (network.members[0], network.members[1], network.members[2])
            try await NamespaceSupport.withListener(in: alice, of: network, ports: [2380]) { _ in
                #expect(await NamespaceSupport.connects(from: bob, of: network, to: alice.address, port: 2380))
                #expect(await NamespaceSupport.connects(from: carol, of: network, to: alice.address, port: 2380))
                #expect(await NamespaceSupport.connects(from: nil, of: network, to: alice.address, port: 2380))  // root namespace
            }
            try await NamespaceSupport.withListener(in: nil, of: network, ports: [0]) { ports in
                #expect(await NamespaceSupport.connects(from: carol, of: network, to: network.bridgeAddress, port: ports[0]))
            }
        }
    }

    @Test func partitionBlocksPeerPortsBothWaysAndNothingElseUntilHealed() async throws {
        try await NamespaceSupport.withNetwork(["alice", "bob"]) { network in
            let (alice, bob) = (network.members[0], network.members[1])
            try await NamespaceSupport.withListener(in: alice, of: network, ports: [2380, 4001]) { _ in
                try await NamespaceSupport.withListener(in: bob, of: network, ports: [2380]) { _ in
                    try await network.apply(.partition, to: "alice", peerPorts: [2380], ownPeerPort: 2380)
                    let shown = try await network.qdiscs(of: "alice")
                    #expect(shown.contains("qdisc htb 1: root") && shown.contains("qdisc blackhole 20: parent 1:2"), "\(shown)")
                    #expect(await !NamespaceSupport.connects(from: bob, of: network, to: alice.address, port: 2380))  // into alice
                    #expect(await !NamespaceSupport.connects(from: alice, of: network, to: bob.address, port: 2380))  // out of alice
                    #expect(await NamespaceSupport.connects(from: bob, of: network, to: alice.address, port: 4001))  // client/API port
                    #expect(await NamespaceSupport.connects(from: nil, of: network, to: alice.address, port: 4001))

                    await network.heal("alice")
                    let healed = try await network.qdiscs(of: "alice")
                    #expect(!healed.contains("htb"), "\(healed)")
                    #expect(await NamespaceSupport.connects(from: bob, of: network, to: alice.address, port: 2380))
                    #expect(await NamespaceSupport.connects(from: alice, of: network, to: bob.address, port: 2380))
                }
            }
        }
    }

    @Test(arguments: [
        NetworkFault.delay(milliseconds: 5000, jitter: 500), .delay(milliseconds: 75, jitter: 50), .loss(percent: 10), .loss(percent: 50),
        .loss(percent: 90), .reorder(percent: 25, milliseconds: 100),
    ])
    func netemFaultsAreAppliedOrRefusedSayingWhy(fault: NetworkFault) async throws {
        let reason = await NamespaceNetwork.unsupportedReason(for: fault)
        try await NamespaceSupport.withNetwork(["alice"]) { network in
            if let reason {
                // This kernel has no sch_netem: the fault says so and leaves nothing behind.
                #expect(reason.contains("sch_netem"), "\(reason)")
                let error = await #expect(throws: OrchestratorError.self) {
                    try await network.apply(fault, to: "alice", peerPorts: [2380], ownPeerPort: 2380)
                }
                #expect(error?.code == .unsupported)
                #expect(error?.message.contains("modprobe sch_netem") == true, "\(error?.message ?? "")")
                let left = try await network.qdiscs(of: "alice")
                #expect(!left.contains("htb"), "\(left)")
            } else {
                try await network.apply(fault, to: "alice", peerPorts: [2380], ownPeerPort: 2380)
                let shown = try await network.qdiscs(of: "alice")
                #expect(shown.contains("qdisc netem 20: parent 1:2"), "\(shown)")
                await network.heal("alice")
                let healed = try await network.qdiscs(of: "alice")
                #expect(!healed.contains("netem"), "\(healed)")
            }
        }
    }

    @Test func teardownRemovesEverythingAndCanRunTwice() async throws {
        let network = try await NamespaceNetwork.create(prefix: "hnt", nodes: ["alice", "bob"])
        #expect(await network.existingNamespaces().count == 2)
        #expect(await network.existingInterfaces().count == 3)
        await network.destroy()
        #expect(await network.existingNamespaces().isEmpty)
        #expect(await network.existingInterfaces().isEmpty)
        await network.destroy()
    }

    @Test func teardownRemovesAPartialSetup() async throws {
        let taken = NamespaceNetwork.takenSubnets(routes: try await NamespaceNetwork.ip(["-4", "route", "show"]))
        let subnet = try #require(NamespaceNetwork.freeSubnet(taken: taken, start: 200))
        let network = try NamespaceNetwork(tag: "hnp" + String(format: "%03x", Int.random(in: 0..<4096)), subnet: subnet, nodes: ["alice", "bob"])
        // Crashed after alice's veth: the bridge, alice's namespace and pair exist, bob's not.
        for command in network.setupCommands.prefix(5) { try await NamespaceNetwork.ip(command) }
        #expect(await network.existingInterfaces() == [network.bridge, network.members[0].hostInterface])
        await network.destroy()
        #expect(await network.existingNamespaces().isEmpty)
        #expect(await network.existingInterfaces().isEmpty)
    }
}

/// Helpers of the root suites: a network torn down however the body ends, listeners and connects
/// run with python3 inside a namespace (or in the root namespace for `nil`).
enum NamespaceSupport {
    /// Whether namespaces can be made here; prints why not.
    static var supported: Bool {
        get async {
            guard let reason = await NamespaceNetwork.unsupportedReason() else { return true }
            print("NamespaceNetwork tests skipped: \(reason)")
            return false
        }
    }

    /// Runs `body` with a new network of `nodes`, destroyed when it returns or throws.
    static func withNetwork(_ nodes: [String], _ body: (NamespaceNetwork) async throws -> Void) async throws {
        let network = try await NamespaceNetwork.create(prefix: "hnt", nodes: nodes)
        do {
            try await body(network)
        } catch {
            await network.destroy()
            throw error
        }
        await network.destroy()
    }

    /// A TCP listener on `ports` (0: any) accepting and closing connections, in `member`'s
    /// namespace, while `body` runs; `body` gets the ports bound.
    static func withListener(
        in member: NamespaceNetwork.Member?, of network: NamespaceNetwork, ports: [Int], _ body: ([Int]) async throws -> Void
    ) async throws {
        let script = """
            import select, socket, sys
            sockets = []
            for port in sys.argv[1:]:
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("0.0.0.0", int(port))); s.listen(64); sockets.append(s)
            print("ready", *[s.getsockname()[1] for s in sockets], flush=True)
            while True:
                for s in select.select(sockets, [], [])[0]:
                    s.accept()[0].close()
            """
        let arguments = ["-c", script] + ports.map(String.init)
        let spec = member.map { network.inside($0, "python3", arguments) } ?? ProcessSpec("python3", arguments)
        try await ChildProcess.with(spec, output: .lines, stop: .terminate()) { listener in
            var lines = listener.lines.makeAsyncIterator()
            guard let ready = await lines.next(), ready.hasPrefix("ready") else {
                throw OrchestratorError(.network, "the listener in \(member?.namespace ?? "the root namespace") did not start")
            }
            try await body(ready.split(separator: " ").dropFirst().compactMap { Int($0) })
        }
    }

    /// Whether a TCP connect from `member`'s namespace to `address:port` succeeds within 1 s
    /// (false too when python3 cannot run: the checks that expect a connect then fail).
    static func connects(from member: NamespaceNetwork.Member?, of network: NamespaceNetwork, to address: String, port: Int) async -> Bool {
        let script = """
            import socket, sys
            try:
                socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1.0).close()
            except OSError:
                sys.exit(1)
            """
        let arguments = ["-c", script, address, String(port)]
        let spec = member.map { network.inside($0, "python3", arguments) } ?? ProcessSpec("python3", arguments)
        return (try? await Command.run(spec))?.status.isSuccess == true
    }
}
