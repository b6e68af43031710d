import EtcdClient
import EtcdTesting
import Foundation
import HeadnetCore
import Testing

@testable import HeadNetwork

/// Crash and partition behaviour of the component against real etcd children.
@Suite(.serialized) struct EtcdNetworkFailureTests {
    @Test func broadcastOnAMinorityIsDeliveredEverywhereAfterRestart() async throws {
        try await TestNodes.with(count: 3) { nodes in
            for node in nodes.nodes { try await eventually("ready \(node.advertise)") { node.network.status.isReady } }
            try await nodes[1].stop()
            try await nodes[2].stop()
            // Alice alone is a minority: the broadcast is queued and retried, not lost.
            try await nodes[0].network.broadcast(.text("while-alone"))
            try await eventually("a failed attempt is traced") {
                nodes[0].traces.value.contains { if case .broadcastFailed = $0 { true } else { false } }
            }
            #expect(nodes[0].messages.isEmpty)
            #expect(try PersistentQueue.storedCount(in: nodes[0].configuration.persistenceDirectory.appendingPathComponent("pending-broadcast")) == 1)

            // Everyone restarts (alice from her persisted queue).
            try await nodes[0].stop()
            for node in nodes.nodes { try await node.restart() }
            for node in nodes.nodes {
                try await eventually("delivery at \(node.advertise)") { node.messages == [.text("while-alone")] }
            }
            try await eventually("queue drained") { nodes[0].network.status.queueDepth == 0 }
        }
    }

    @Test func aBatchCommittedAfterTheNodeStoppedIsNotSentAgain() async throws {
        try await TestNodes.with(count: 1) { nodes in
            let node = nodes[0]
            try await eventually("ready") { node.network.status.isReady }
            // What a previous run left: the batch was committed by etcd, but the node stopped
            // before popping it from its queue.
            let codec = TestMessageCodec()
            let batchValue = BroadcastBatch.value(of: [codec.encode(.text("once"))])
            _ = try await nodes.withClient(0) { etcd in
                try await etcd.put(key: Array("msg-\(node.advertise)".utf8), value: batchValue)
            }
            try await eventually("delivered") { node.messages == [.text("once")] }
            let persistence = node.configuration.persistenceDirectory
            // The revision file is written after delivery; a stop before it would (rightly) deliver again.
            let delivered = node.delivered.value[0].revision
            try await eventually("revision persisted") { try RevisionStore(directory: persistence).load() >= delivered }
            try await node.stop()
            // The marker as a file of its own, as versions before the queue's log wrote it.
            let queue = try PersistentQueue(directory: persistence.appendingPathComponent("pending-broadcast"))
            let item = try await queue.write(codec.encode(.text("once")))
            try await InFlightMarker(file: persistence.appendingPathComponent("broadcast-in-flight"))
                .save(InFlightBatch(lastModRev: 0, indices: [item.index]))

            try await node.restart()
            try await eventually("the batch is recognised as sent") {
                node.traces.value.contains { if case .broadcastDeduped(previousModRev: 0, _) = $0 { true } else { false } }
            }
            try await eventually("queue drained") { node.network.status.queueDepth == 0 }
            try await node.network.broadcast(.text("next"))
            try await eventually("next delivered") { node.messages.last == .text("next") }
            #expect(node.messages == [.text("once"), .text("next")])
            // Two puts of our key in all: the test's and "next"; the batch in flight was not put again.
            let puts = try await nodes.withClient(0) { etcd in try await etcd.get("msg-\(node.advertise)")?.version }
            #expect(puts == 2)
            #expect(!FileManager.default.fileExists(atPath: persistence.appendingPathComponent("broadcast-in-flight").path))
        }
    }

    @Test func aNodeThatWasDownCatchesUpAndSeesTheNextMessageOnce() async throws {
        try await TestNodes.with(count: 3) { nodes in
            for node in nodes.nodes { try await eventually("ready \(node.advertise)") { node.network.status.isReady } }
            try await nodes[0].network.broadcast(.ping(0))
            for node in nodes.nodes { try await eventually("first message") { node.messages.count == 1 } }

            try await nodes[2].stop()
            for i in 1...10 { try await nodes[0].network.broadcast(.ping(UInt64(i))) }
            try await nodes[1].network.broadcast(.text("from-bob"))
            try await eventually("bob gets all") { nodes[1].messages.count == 12 }
            #expect(nodes[2].messages.count == 1)

            try await nodes[2].restart()
            try await eventually("carol catches up") { nodes[2].messages.count == 12 }
            try await nodes[0].network.broadcast(.text("after-restart"))
            try await eventually("carol gets the next one") { nodes[2].messages.last == .text("after-restart") }
            let carol = nodes[2].messages
            #expect(carol.count == 13)
            #expect(carol.filter { $0 == .text("after-restart") }.count == 1)
            let fromAlice = nodes[2].delivered.value.filter { $0.sender == nodes[0].advertise }.map(\.message)
            #expect(fromAlice == (0...10).map { .ping(UInt64($0)) } + [.text("after-restart")])
        }
    }

    @Test func lateJoinerReceivesAThousandBroadcastsInOrderAndResumesAfterRestart() async throws {
        try await TestNodes.with(count: 3, start: false) { nodes in
            nodes[0].start()
            nodes[1].start()
            try await eventually("alice ready") { nodes[0].network.status.isReady }
            for i in 1...1000 { try await nodes[0].network.broadcast(.ping(UInt64(i))) }
            try await eventually("bob has 1000", timeout: .seconds(120)) { nodes[1].messages.count == 1000 }

            nodes[2].start()
            try await eventually("carol has 1000", timeout: .seconds(120)) { nodes[2].messages.count == 1000 }
            #expect(nodes[2].messages == (1...1000).map { .ping(UInt64($0)) })
            let revisions = nodes[2].delivered.value.map { ($0.revision, $0.indexInBatch) }
            #expect(zip(revisions, revisions.dropFirst()).allSatisfy { $0 < $1 })

            try await nodes[2].restart()
            try await eventually("carol ready again") { nodes[2].network.status.isReady }
            try await nodes[0].network.broadcast(.ping(1001))
            try await eventually("carol gets 1001") { nodes[2].messages.count == 1001 }
            #expect(nodes[2].messages.last == .ping(1001))
        }
    }

    @Test func revokedAliveLeaseIsRecreated() async throws {
        try await TestNodes.with(count: 1) { nodes in
            try await eventually("lease") { nodes[0].traces.value.contains { if case .createdLease = $0 { true } else { false } } }
            let first = nodes[0].traces.value.compactMap { if case .createdLease(let id) = $0 { id } else { nil } }.first!
            _ = try await nodes.withClient(0) { etcd in try await etcd.revokeLease(first) }
            try await eventually("a new lease") {
                nodes[0].traces.value.compactMap { if case .createdLease(let id) = $0 { id } else { nil } }.count >= 2
            }
            #expect(nodes[0].traces.value.contains { if case .lowLeaseTTL = $0 { true } else { false } })
            try await eventually("alive key back") {
                try await nodes.withClient(0) { etcd in try await etcd.get("alive-\(nodes[0].advertise)") != nil }
            }
        }
    }

    @Test func compactedStartRevisionEmitsMessagesMissed() async throws {
        try await TestNodes.with(count: 1) { nodes in
            try await nodes[0].network.broadcast(.text("one"))
            try await eventually("delivered") { nodes[0].messages.count == 1 }
            let persistence = nodes[0].configuration.persistenceDirectory
            try await eventually("revision persisted") { try RevisionStore(directory: persistence).load() > 0 }
            let known = try RevisionStore(directory: persistence).load()
            // More writes, then a compaction past the node's last known revision.
            let compactAt = try await nodes.withClient(0) { etcd -> Int64 in
                for i in 0..<5 { try await etcd.put("filler-\(i)", "x") }
                let revision = try await etcd.put("filler-last", "x").header.revision
                try await etcd.compact(revision: revision, physical: true)
                return revision
            }
            // The node comes back with a revision etcd no longer has.
            try await nodes[0].stop()
            try await RevisionStore(directory: persistence).save(known - 1)
            try await nodes[0].restart()
            try await eventually("MessagesMissed") {
                nodes[0].events.value.contains { if case .messagesMissed = $0 { true } else { false } }
            }
            let missed = nodes[0].events.value.compactMap { if case .messagesMissed(let from, let to) = $0 { (from, to) } else { nil } }
            #expect(missed.first?.0 == known)
            #expect(missed.first?.1 == compactAt - 1)
            try await eventually("revision file moved on") { try RevisionStore(directory: persistence).load() >= compactAt - 1 }
        }
    }
}

/// Two clusters that do not agree on membership.
@Suite(.serialized) struct ClusterIDMismatchTests {
    @Test func aNodeTalkingToAnotherClusterReportsClusterIDMismatch() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-cid-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let ports = try FreePortPairs.pick(2)
        let alice = Address(hostname: "127.0.0.1", port: ports[0])
        let bob = Address(hostname: "127.0.0.1", port: ports[1])
        let fast = ["--heartbeat-interval", "50", "--election-timeout", "500"]
        // Alice bootstraps a cluster of her own; Bob believes he forms one with Alice.
        let aliceNode = try TestNode(EtcdNetworkConfiguration(
            persistenceDirectory: root.appendingPathComponent("alice"), listen: alice, peers: [], protocolVersion: 2,
            extraEtcdArguments: fast))
        let bobNode = try TestNode(EtcdNetworkConfiguration(
            persistenceDirectory: root.appendingPathComponent("bob"), listen: bob, peers: [alice], protocolVersion: 2,
            extraEtcdArguments: fast))
        func stopBoth() async {
            try? await bobNode.stop()
            try? await aliceNode.stop()
        }
        do {
            aliceNode.start()
            try await eventually("alice ready") { aliceNode.network.status.isReady }
            bobNode.start()
            try await eventually("bob reports a cluster ID mismatch") {
                // A bob that stopped (its etcd could not bind a port, say) would never report it.
                try bobNode.checkRunning()
                return bobNode.events.value.contains { if case .clusterIDMismatch = $0 { true } else { false } }
            }
        } catch {
            await stopBoth()
            throw error
        }
        await stopBoth()
        let peers = bobNode.events.value.compactMap { if case .clusterIDMismatch(let peers) = $0 { peers } else { nil } }.first
        #expect(peers == bobNode.network.etcd.initialCluster)
        #expect(bobNode.events.value.filter { if case .clusterIDMismatch = $0 { true } else { false } }.count == 1)
        #expect(bobNode.network.etcd.clusterIDMismatchAdvice.contains(bobNode.network.etcd.dataDirectory.path))
    }
}
