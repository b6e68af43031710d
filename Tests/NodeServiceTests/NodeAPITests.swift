import Foundation
import HeadNetwork
import Hummingbird
import HummingbirdTesting
import Testing

@testable import NodeService

/// The node's routes through Hummingbird's router test framework: no socket, no etcd (the
/// network component is built but not run).
@Suite struct NodeAPITests {
    func withNode(_ body: (HeadNode) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-api-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let network = EtcdNetworkConfiguration(
            persistenceDirectory: directory, listen: NetworkHost(hostname: "127.0.0.1", port: 5001), peers: [], protocolVersion: 2)
        let node = try HeadNode(configuration: NodeConfiguration(nodeID: "alice", network: network)) { _ in }
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
}
