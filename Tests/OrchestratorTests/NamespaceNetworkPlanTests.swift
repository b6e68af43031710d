import Testing

@testable import Orchestrator

/// The namespace network's and the faults' commands, without running them.
@Suite struct NamespaceNetworkPlanTests {
    @Test func namesFitFifteenCharactersAndAddressesFollowTheSubnet() throws {
        let network = try NamespaceNetwork(tag: "hn3fa2", subnet: 12, nodes: ["alice", "bob", "carol"])
        #expect(network.bridge == "hn3fa2-br")
        #expect(network.bridgeAddress == "10.77.12.1")
        #expect(network.members.map(\.namespace) == ["hn3fa2-n0", "hn3fa2-n1", "hn3fa2-n2"])
        #expect(network.members.map(\.address) == ["10.77.12.10", "10.77.12.11", "10.77.12.12"])
        #expect((network.members.map(\.hostInterface) + [network.bridge]).allSatisfy { $0.count <= 15 })
        #expect(network.member("bob")?.hostInterface == "hn3fa2-v1")
    }

    @Test func refusesTagsThatMakeNamesTooLongOrUnsafe() {
        #expect(throws: OrchestratorError.self) { try NamespaceNetwork(tag: "headnet-drill", subnet: 1, nodes: ["a"]) }
        #expect(throws: OrchestratorError.self) { try NamespaceNetwork(tag: "hn/x", subnet: 1, nodes: ["a"]) }
        #expect(throws: OrchestratorError.self) { try NamespaceNetwork(tag: "hn", subnet: 256, nodes: ["a"]) }
    }

    @Test func setupBuildsTheBridgeThenEachNamespace() throws {
        let network = try NamespaceNetwork(tag: "hnab", subnet: 3, nodes: ["alice"])
        #expect(
            network.setupCommands == [
                ["link", "add", "hnab-br", "type", "bridge"],
                ["addr", "add", "10.77.3.1/24", "dev", "hnab-br"],
                ["link", "set", "hnab-br", "up"],
                ["netns", "add", "hnab-n0"],
                ["link", "add", "hnab-v0", "type", "veth", "peer", "name", "eth0", "netns", "hnab-n0"],
                ["link", "set", "hnab-v0", "master", "hnab-br"],
                ["link", "set", "hnab-v0", "up"],
                ["netns", "exec", "hnab-n0", "ip", "link", "set", "lo", "up"],
                ["netns", "exec", "hnab-n0", "ip", "addr", "add", "10.77.3.10/24", "dev", "eth0"],
                ["netns", "exec", "hnab-n0", "ip", "link", "set", "eth0", "up"],
                ["netns", "exec", "hnab-n0", "ip", "route", "add", "default", "via", "10.77.3.1"],
            ])
        #expect(network.teardownCommands == [["netns", "delete", "hnab-n0"], ["link", "delete", "hnab-v0"], ["link", "delete", "hnab-br"]])
    }

    @Test(arguments: [
        ("10.77.5.0/24 dev hnab-br proto kernel scope link src 10.77.5.1", Set([5])),
        ("192.0.2.0/24 dev eth0 proto kernel\ndefault via 192.0.2.1 dev eth0", Set<Int>()),
        ("10.77.0.0/16 via 10.0.0.1 dev tun0", Set(0...255)),
        ("10.0.0.0/8 dev tun0", Set(0...255)),
        ("10.77.9.7 dev tun0", Set([9])),
        ("10.77.8.0/23 dev tun0", Set([8, 9])),
    ])
    func takenSubnetsAreThoseARouteOverlaps(routes: String, taken: Set<Int>) {
        #expect(NamespaceNetwork.takenSubnets(routes: routes) == taken)
    }

    @Test func freeSubnetWrapsAroundFromItsStart() {
        #expect(NamespaceNetwork.freeSubnet(taken: [250, 251, 252, 253, 254, 255], start: 250) == 0)
        #expect(NamespaceNetwork.freeSubnet(taken: Set(0...255), start: 3) == nil)
    }

    @Test func partitionBlackholesPeerPortsBothWays() {
        let commands = NetworkFault.partition.commands(device: "eth0", peerPorts: [5001, 5002, 5001], ownPeerPort: 5001)
        #expect(commands.contains(["qdisc", "add", "dev", "eth0", "parent", "1:2", "handle", "20:", "blackhole"]))
        let filters = commands.filter { $0.first == "filter" }.map { Array($0.suffix(5)) }
        #expect(
            filters == [
                ["dport", "5001", "0xffff", "flowid", "1:2"], ["dport", "5002", "0xffff", "flowid", "1:2"], ["sport", "5001", "0xffff", "flowid", "1:2"],
            ])
        #expect(commands[0] == ["qdisc", "add", "dev", "eth0", "root", "handle", "1:", "htb", "default", "1"])
        #expect(!NetworkFault.partition.needsNetem)
    }

    @Test(arguments: [
        (NetworkFault.delay(milliseconds: 5000, jitter: 500), ["netem", "limit", "100000", "delay", "5000ms", "500ms"], "delay 5000±500 ms"),
        (.delay(milliseconds: 75, jitter: 50), ["netem", "limit", "100000", "delay", "75ms", "50ms"], "delay 75±50 ms"),
        (.loss(percent: 10), ["netem", "limit", "100000", "loss", "10%"], "loss 10%"),
        (.loss(percent: 12.5), ["netem", "limit", "100000", "loss", "12.5%"], "loss 12.5%"),
        (.reorder(percent: 25, milliseconds: 100), ["netem", "limit", "100000", "delay", "100ms", "reorder", "25%"], "reorder 25% (100 ms)"),
    ])
    func netemFaultsPutTheirQdiscOnThePeerClass(fault: NetworkFault, leaf: [String], description: String) {
        #expect(fault.leafQdisc == leaf)
        #expect(fault.needsNetem)
        #expect(fault.description == description)
        #expect(fault.commands(device: "eth0", peerPorts: [2380], ownPeerPort: 2380)[3] == ["qdisc", "add", "dev", "eth0", "parent", "1:2", "handle", "20:"] + leaf)
    }
}
