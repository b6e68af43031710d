import ClusterSpec
import Foundation
import NodeAPIModel
import Orchestrator

/// The load's broadcasts through the nodes' APIs: `POST /broadcast` with the message's
/// `Idempotency-Key`. 202 is accepted (``BroadcastAnswer/replayed`` when the node says it
/// accepted the key before), any other answer refused, and no answer — a timeout, a reset, a
/// node that is down or stopped — uncertain.
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
        guard let key = IdempotencyKey(key) else { return .refused("'\(key)' is not an idempotency key") }
        do {
            switch try await client.broadcast(Data(payload), idempotencyKey: key, verifyingCluster: false, timeout: timeout) {
            case .queued: return .accepted
            case .replayed: return .replayed
            case .refused(let full): return .refused("503: \(full.detail)")
            }
        } catch let error as OrchestratorError where error.code == .node {
            return .refused(error.message)
        } catch {
            return .uncertain("\(error)")
        }
    }
}
