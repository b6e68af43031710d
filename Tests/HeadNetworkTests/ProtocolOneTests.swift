import CBOR
import EtcdClient
import EtcdTesting
import Foundation
import Testing

@testable import HeadNetwork

/// Three nodes speaking protocol 1 (Hydra 2.3.0) against real etcd children: bare `version`,
/// untagged `alive-` values, one message per `msg-` put.
@Suite(.serialized) struct ProtocolOneTests {
    @Test func threeProtocolOneNodesBroadcastAndDeliverInHydraTwoThreesLayout() async throws {
        try await TestNodes.with(count: 3, versions: [1, 1, 1]) { nodes in
            for node in nodes.nodes { try await eventually("ready \(node.advertise)") { node.network.status.isReady } }
            for i in 0..<5 {
                for (index, node) in nodes.nodes.enumerated() { try await node.network.broadcast(.text("n\(index)-\(i)")) }
            }
            let expected = Set((0..<3).flatMap { index in (0..<5).map { TestMessage.text("n\(index)-\($0)") } })
            for node in nodes.nodes {
                try await eventually("all 15 delivered at \(node.advertise)") { Set(node.messages) == expected && node.messages.count == 15 }
                // Per sender in order.
                for index in 0..<3 {
                    let own = node.messages.filter { if case .text(let text) = $0 { text.hasPrefix("n\(index)-") } else { false } }
                    #expect(own == (0..<5).map { .text("n\(index)-\($0)") })
                }
                // One message per put: every delivery is the only message of its revision.
                #expect(node.delivered.value.allSatisfy { $0.indexInBatch == 0 })
            }
            let alice = nodes[0].advertise
            let (version, alive, message) = try await nodes.withClient(0) { etcd in
                (try await etcd.get("version")?.value, try await etcd.get("alive-\(alice)")?.value, try await etcd.get("msg-\(alice)")?.value)
            }
            #expect(version == [0x01])
            #expect(alive == WireDialect.release.aliveValue(alice))
            var decoder = CBORDecoder(try #require(message))
            #expect(try TestMessageCodec().decode(from: &decoder) == .text("n0-4"))
            #expect(decoder.isAtEnd, "a protocol-1 msg- value is exactly one message")
            #expect(nodes[0].traces.value.contains { if case .matchingProtocolVersion(1) = $0 { true } else { false } })
        }
    }
}
