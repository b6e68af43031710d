import CBOR
import EtcdClient
import EtcdTesting
import Foundation
import HeadnetCore
import Testing

@testable import HeadNetwork

/// The network component against real etcd children, 1–3 nodes on loopback.
@Suite(.serialized) struct EtcdNetworkTests {
    @Test func broadcastIsDeliveredToTheSenderItself() async throws {
        try await TestNodes.with(count: 1) { nodes in
            try await nodes[0].network.broadcast(.text("hello"))
            try await eventually("delivery") { nodes[0].messages == [.text("hello")] }
            let delivered = try #require(nodes[0].delivered.value.first)
            #expect(delivered.sender == nodes[0].advertise)
            #expect(delivered.revision > 0)
            try await eventually("persisted revision") { try RevisionStore(directory: nodes[0].configuration.persistenceDirectory).load() >= delivered.revision }
            #expect(nodes[0].traces.value.contains { if case .matchingProtocolVersion(2) = $0 { true } else { false } })
            #expect(nodes[0].traces.value.contains { if case .etcdLog = $0 { true } else { false } })
        }
    }

    @Test func twoNodesDeliverEachOthersMessagesInOrder() async throws {
        try await TestNodes.with(count: 2) { nodes in
            for i in 0..<20 {
                try await nodes[0].network.broadcast(.ping(UInt64(i)))
                try await nodes[1].network.broadcast(.text("b\(i)"))
            }
            for node in nodes.nodes {
                try await eventually("40 deliveries at \(node.advertise)") { node.messages.count >= 40 }
                let fromA = node.delivered.value.filter { $0.sender == nodes[0].advertise }.map(\.message)
                let fromB = node.delivered.value.filter { $0.sender == nodes[1].advertise }.map(\.message)
                #expect(fromA == (0..<20).map { .ping(UInt64($0)) })
                #expect(fromB == (0..<20).map { .text("b\($0)") })
            }
            // Every put carried a batch; both nodes saw the same revisions.
            #expect(nodes[0].delivered.value.map(\.revision) == nodes[1].delivered.value.map(\.revision))
        }
    }

    @Test func ipv6NodesKeepTheBracketsInKeysAndValues() async throws {
        try await TestNodes.with(count: 2, hostname: "[::1]") { nodes in
            try await eventually("bob sees alice") { nodes[1].events.value.contains(.peerConnected(nodes[0].advertise)) }
            try await nodes[0].network.broadcast(.text("over v6"))
            try await eventually("bob delivers") { nodes[1].messages == [.text("over v6")] }
            #expect(nodes[1].delivered.value[0].sender.description == "[::1]:\(nodes[0].advertise.port)")
            let alive = try await nodes.withClient(0) { etcd in try await etcd.get("alive-[::1]:\(nodes[0].advertise.port)") }
            var decoder = CBORDecoder(try #require(alive).value)
            #expect(try decoder.decodeText() == "Host")
            #expect(try decoder.decodeText() == "[::1]")
            let members = try await nodes.withClient(0) { etcd in try await etcd.memberList().members.map(\.name) }
            #expect(Set(members) == Set(nodes.nodes.map(\.advertise.description)))
        }
    }

    @Test func connectivityEventsForThreeNodes() async throws {
        try await TestNodes.with(count: 3) { nodes in
            let alice = nodes[0]
            try await eventually("alice sees both peers") {
                Set(alice.events.value.compactMap { if case .peerConnected(let peer) = $0 { peer } else { nil } })
                    == [nodes[1].advertise, nodes[2].advertise]
            }
            #expect(alice.events.value.first == .networkConnected)
            #expect(alice.network.status.isReady)
            try await nodes[2].stop()
            try await eventually("alice sees carol leave") { alice.events.value.contains(.peerDisconnected(nodes[2].advertise)) }
            let sequence = alice.events.value
            let connected = sequence.firstIndex(of: .networkConnected)!
            let carolJoined = sequence.firstIndex(of: .peerConnected(nodes[2].advertise))!
            let carolLeft = sequence.firstIndex(of: .peerDisconnected(nodes[2].advertise))!
            #expect(connected < carolJoined && carolJoined < carolLeft)
            #expect(!sequence.contains(.networkDisconnected))
        }
    }

    @Test func versionMismatchReportsBothVersions() async throws {
        try await TestNodes.with(count: 2, versions: [1, 2], start: false) { nodes in
            nodes[0].start()
            nodes[1].start()
            try await eventually("one side reports the mismatch") {
                (nodes[0].events.value + nodes[1].events.value).contains {
                    if case .versionMismatch = $0 { true } else { false }
                }
            }
            let mismatches = (nodes[0].events.value + nodes[1].events.value).compactMap { event -> (UInt64, UInt64?)? in
                if case .versionMismatch(let ours, let theirs) = event { (ours, theirs) } else { nil }
            }
            #expect(mismatches.allSatisfy { ($0.0 == 1 && $0.1 == 2) || ($0.0 == 2 && $0.1 == 1) })
            #expect(!(nodes[0].network.status.isReady && nodes[1].network.status.isReady))
        }
    }

    @Test func undecodableVersionIsAMismatchWithoutTheirs() async throws {
        try await TestNodes.with(count: 1, start: false) { nodes in
            // Pre-seed the cluster's version key with garbage through a first run.
            nodes[0].start()
            try await eventually("ready") { nodes[0].network.status.isReady }
            _ = try await nodes.withClient(0) { etcd in try await etcd.put("version", "garbage") }
            try await nodes[0].stop()
            nodes[0].start()
            try await eventually("mismatch") { nodes[0].events.value.contains(.versionMismatch(ours: 2, theirs: nil)) }
            #expect(nodes[0].traces.value.contains { if case .failedToDecodeValue(key: "version", _, _) = $0 { true } else { false } })
        }
    }

    @Test func legacySingleMessageValueIsDelivered() async throws {
        try await TestNodes.with(count: 1) { nodes in
            try await eventually("ready") { nodes[0].network.status.isReady }
            try await nodes.withClient(0) { etcd in
                try await etcd.put(key: Array("msg-127.0.0.1:9999".utf8), value: CBOR.text("from-the-past").encoded)
                try await etcd.put(key: Array("msg-127.0.0.1:9999".utf8), value: [0xff, 0x00])
            }
            try await eventually("legacy delivery") { nodes[0].messages == [.text("from-the-past")] }
            #expect(nodes[0].delivered.value.first?.sender == Address(hostname: "127.0.0.1", port: 9999))
            try await eventually("undecodable value traced") {
                nodes[0].traces.value.contains { if case .failedToDecodeValue(key: "msg-127.0.0.1:9999", value: "ff00", _) = $0 { true } else { false } }
            }
        }
    }
}
