import Foundation
import HeadnetCore
import HeadNetwork
import NodeAPIModel
import Hummingbird
import HummingbirdTesting
import Testing

@testable import NodeService

/// The node's routes through Hummingbird's router test framework: no socket, no etcd (the
/// network component is built but not run).
@Suite struct NodeAPITests {
    func withNode(cluster: ClusterLabel? = nil, queueCapacity: Int = 100, _ body: (HeadNode) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-api-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let network = EtcdNetworkConfiguration(
            persistenceDirectory: directory, listen: Address(hostname: "127.0.0.1", port: 5001), peers: [], protocolVersion: 2,
            queueCapacity: queueCapacity)
        var configuration = NodeConfiguration(nodeID: "alice", network: network)
        configuration.cluster = cluster
        let node = try HeadNode(configuration: configuration) { _ in }
        try await body(node)
        await node.journal.close()
    }

    @Test func messagesAfterAMalformedIndexIsABadRequestNamingTheParameter() async throws {
        try await withNode { node in
            _ = try await node.journal.append(sender: node.configuration.network.advertise, revision: 5, batchIndex: 0, payload: [1])
            let app = Application(router: NodeAPI.router(for: node))
            try await app.test(.router) { client in
                for bad in ["abc", "-1", "1.5", ""] {
                    try await client.execute(uri: "/messages?after=\(bad)", method: .get) { response in
                        #expect(response.status == .badRequest, "after=\(bad)")
                        let text = String(buffer: response.body)
                        #expect(text.contains("'after'") && text.contains("'\(bad)'"), "\(text)")
                    }
                }
                try await client.execute(uri: "/messages?after=0", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains(#""revision":5"#))
                }
                try await client.execute(uri: "/messages", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).split(separator: "\n").count == 1)
                }
            }
        }
    }

    /// Issue 22: a full queue answers 503 at once, with Retry-After and a JSON body naming the
    /// depth, the capacity and the cause; nothing of the refused request is kept. Bodies over
    /// the limit get a 413 that names the limit.
    @Test func aFullQueueAnswers503AtOnceWithTheCause() async throws {
        try await withNode(queueCapacity: 2) { node in
            let app = Application(router: NodeAPI.router(for: node))
            try await app.test(.router) { client in
                for payload in ["one", "two"] {
                    try await client.execute(uri: "/broadcast", method: .post, body: ByteBuffer(string: payload)) { response in
                        #expect(response.status == .accepted)
                    }
                }
                try await client.execute(uri: "/broadcast", method: .post, body: ByteBuffer(string: "three")) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] == "5")
                    let full = try JSONDecoder().decode(QueueFull.self, from: Data(buffer: response.body))
                    #expect(full.queueDepth == 2 && full.queueCapacity == 2)
                    // The component is not running: its etcd does not serve.
                    #expect(full.cause == .etcdUnreachable)
                    #expect(full.oldestQueuedSeconds != nil)
                    #expect(full.summary.hasPrefix("queue full (2 of 2): "))
                }
                try await client.execute(uri: "/status", method: .get) { response in
                    let status = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    let network = try #require(status?["network"] as? [String: Any])
                    #expect(network["queueDepth"] as? Int == 2)
                    #expect(network["queueCapacity"] as? Int == 2)
                    #expect(network["queueOldestWaitSeconds"] is Double)
                }
                try await client.execute(uri: "/metrics", method: .get) { response in
                    let text = String(buffer: response.body)
                    #expect(text.contains("headnet_broadcast_queue_depth 2"))
                    #expect(text.contains("headnet_broadcast_queue_capacity 2"))
                    #expect(text.contains("headnet_broadcasts_refused_total 1"))
                    #expect(text.contains("headnet_broadcast_queue_oldest_wait_seconds"))
                }
                let big = ByteBuffer(repeating: 0x61, count: NodeAPI.maxPayloadBytes + 1)
                try await client.execute(uri: "/broadcast", method: .post, body: big) { response in
                    #expect(response.status == .contentTooLarge)
                    #expect(String(buffer: response.body).contains("\(NodeAPI.maxPayloadBytes) bytes"))
                }
            }
            #expect(await node.network.status.queueDepth == 2)
        }
    }

    /// Issue 22: `/metrics` names the node and reads the process's figures at each scrape.
    @Test func metricsNameTheNodeAndItsProcess() async throws {
        let cluster = ClusterLabel(name: "devnet", identity: "abc", spec: "/x/clusters/devnet.yaml")
        try await withNode(cluster: cluster) { node in
            let app = Application(router: NodeAPI.router(for: node))
            try await app.test(.router) { client in
                try await client.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.status == .ok)
                    let text = String(buffer: response.body)
                    #expect(text.contains(#"headnet_target_info{cluster="devnet",node="alice",advertise="127.0.0.1:5001"} 1.0"#), "\(text)")
                    #expect(text.contains(#"headnet_build_info{version="unknown",protocol_version="2"} 1.0"#), "\(text)")
                    let resident = text.split(separator: "\n").first { $0.hasPrefix("process_resident_memory_bytes ") }
                    #expect(resident.flatMap { Double($0.split(separator: " ")[1]) }.map { $0 > 0 } == true, "\(text)")
                    #expect(!text.contains("headnet_certificate_expiry_seconds"), "no certificates configured: \(text)")
                }
            }
        }
    }

    @Test func messagesServesTheJournalLinesAsTheyAreOnDisk() async throws {
        try await withNode { node in
            let alice = node.configuration.network.advertise
            // More than one read chunk (256 KiB) of lines.
            for revision in Int64(1)...40 {
                try await node.journal.append([
                    DeliveredJournal.Incoming(sender: alice, revision: revision, batchIndex: 0, payload: Array(repeating: 0xff, count: 10_000)),
                    DeliveredJournal.Incoming(sender: alice, revision: revision, batchIndex: 1, payload: [UInt8(revision)]),
                ])
            }
            let file = try Data(contentsOf: node.journal.file)
            let lines = file.split(separator: 0x0a)
            let app = Application(router: NodeAPI.router(for: node))
            try await app.test(.router) { client in
                try await client.execute(uri: "/messages", method: .get) { response in
                    #expect(response.headers[.contentType] == "application/x-ndjson")
                    #expect(Data(buffer: response.body) == file)
                }
                try await client.execute(uri: "/messages?after=77", method: .get) { response in
                    let entries = try String(buffer: response.body).split(separator: "\n").map {
                        try JSONDecoder().decode(DeliveredJournal.Entry.self, from: Data($0.utf8))
                    }
                    #expect(entries.map(\.index) == [78, 79, 80])
                    #expect(Data(buffer: response.body) == lines.suffix(3).map { $0 + Data([0x0a]) }.reduce(Data(), +))
                }
                try await client.execute(uri: "/messages?after=80", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.body.readableBytes == 0)
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func followingServesLaterAppendsUntilTheFollowersStop() async throws {
        try await withNode { node in
            let alice = node.configuration.network.advertise
            try await node.journal.append(sender: alice, revision: 1, batchIndex: 0, payload: [1])
            let app = Application(router: NodeAPI.router(for: node))
            try await app.test(.router) { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await client.execute(uri: "/messages?follow=true", method: .get) { response in
                            let indices = try String(buffer: response.body).split(separator: "\n").map {
                                try JSONDecoder().decode(DeliveredJournal.Entry.self, from: Data($0.utf8)).index
                            }
                            #expect(indices == [1, 2, 3])
                        }
                    }
                    try await node.journal.append(sender: alice, revision: 2, batchIndex: 0, payload: [2])
                    try await node.journal.append(sender: alice, revision: 3, batchIndex: 0, payload: [3])
                    await node.journal.stopFollowers()
                    try await group.waitForAll()
                }
            }
        }
    }

    @Test func readinessSaysWhatIsMissing() async throws {
        try await withNode { node in
            let app = Application(router: NodeAPI.router(for: node))
            try await app.test(.router) { client in
                try await client.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .ok)
                }
                try await client.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(String(buffer: response.body).contains("etcd not serving yet"))
                }
            }
        }
    }

    @Test func anEmptyBroadcastIsABadRequest() async throws {
        try await withNode { node in
            let app = Application(router: NodeAPI.router(for: node))
            try await app.test(.router) { client in
                try await client.execute(uri: "/broadcast", method: .post, body: ByteBuffer()) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains("must not be empty"))
                }
            }
        }
    }

    @Test func statusNamesTheCluster() async throws {
        try await withNode(cluster: ClusterLabel(name: "devnet", identity: "0123456789abcdef", spec: "/x/clusters/devnet.yaml")) { node in
            let app = Application(router: NodeAPI.router(for: node))
            try await app.test(.router) { client in
                try await client.execute(uri: "/status", method: .get) { response in
                    let document = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    let cluster = document?["cluster"] as? [String: Any]
                    #expect(cluster?["name"] as? String == "devnet")
                    #expect(cluster?["identity"] as? String == "0123456789abcdef")
                    #expect(cluster?["spec"] as? String == "/x/clusters/devnet.yaml")
                    #expect(document?["messagesMissed"] as? Int == 0)
                }
            }
        }
    }
}
