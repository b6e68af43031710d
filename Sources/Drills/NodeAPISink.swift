import ClusterSpec
import Foundation
import NodeAPIModel
import Orchestrator

/// The load's broadcasts through the nodes' APIs: `POST /broadcast` with the message's
/// `Idempotency-Key`. 202 is accepted (a replay of an earlier acceptance too), any other answer
/// refused, and no answer — a timeout, a reset, a node that is down or stopped — uncertain.
public struct NodeAPISink: BroadcastSink {
    /// Each node's client, by name.
    public let clients: [String: NodeAPIClient]
    /// Seconds a request may wait for its answer.
    public var timeout: Double = 2

    /// Sends to the nodes of `spec`.
    public init(spec: ClusterSpec) {
        clients = Dictionary(uniqueKeysWithValues: spec.nodes.map { ($0.name, NodeAPIClient(node: $0, host: spec.reachableHost(of: $0))) })
    }

    public func broadcast(through node: String, payload: [UInt8], key: String) async -> BroadcastAnswer {
        guard let client = clients[node] else { return .refused("no node named \(node)") }
        do {
            let (status, body) = try await client.request(
                "POST", "/broadcast", headers: [(IdempotencyKey.header, key)], body: Data(payload), timeout: timeout)
            if status == 202 { return .accepted }
            return .refused("\(status) \(String(decoding: body.prefix(200), as: UTF8.self))")
        } catch {
            return .uncertain("\(error)")
        }
    }
}
