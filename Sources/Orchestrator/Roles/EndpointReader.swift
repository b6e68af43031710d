import ClusterSpec
import Foundation
import Health
import NodeAPIModel

/// Reads nodes through their endpoints: the API client ``api`` makes for a node, and its etcd
/// member through ``etcd``. Knows nothing of where a node runs.
public struct EndpointReader: NodeReader {
    /// The API client of a node, checking that the node answering is this cluster's.
    public let api: @Sendable (NodeSpec) -> NodeAPIClient
    /// The cluster's etcd members, one at a time.
    public let etcd: EtcdProbe

    /// A reader with these clients.
    public init(etcd: EtcdProbe, api: @escaping @Sendable (NodeSpec) -> NodeAPIClient) {
        self.etcd = etcd
        self.api = api
    }

    public func isReady(_ node: NodeSpec) async -> Bool {
        await api(node).isReady()
    }

    public func status(of node: NodeSpec) async throws -> NodeStatus {
        try await api(node).verifiedStatus()
    }

    public func progress(of node: NodeSpec) async throws -> NodeProgress {
        let delivered = try await status(of: node).network.lastKnownRevision
        let keys = try await etcd.aliveAndNewestMessage(node)
        return NodeProgress(aliveKey: keys.alive, delivered: delivered, newestMessage: keys.newestMessage)
    }

    public func member(of node: NodeSpec) async throws -> EtcdMemberState {
        EtcdMemberState(try await etcd.status(of: node))
    }

    public func leader(among nodes: [NodeSpec]) async -> String? {
        await etcd.leader(among: nodes)
    }

    public func health(of spec: ClusterSpec, storedRevision: @escaping @Sendable (NodeSpec) async -> Int64?) async -> HealthReport {
        await ClusterHealth.report(spec, tls: etcd.tls, read: reading(of:), storedRevision: storedRevision)
    }

    /// `node`'s `/status` and `/readyz`, or why it gave none.
    @Sendable func reading(of node: NodeSpec) async -> NodeHealth.Reading {
        let client = api(node)
        do {
            let document = try await client.verifiedStatus()
            let readiness = try? await client.request("GET", "/readyz", timeout: 2)
            return NodeHealth.Reading(
                node: node, document: .success(document),
                readiness: readiness.map { ($0.status, String(decoding: $0.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) })
        } catch let error as OrchestratorError {
            let reason: NodeHealth.Unanswered.Reason = switch error.code {
            case .nodeDown: .down
            case .stopped: .stopped
            case .wrongCluster: .wrongCluster
            default: .refused
            }
            return NodeHealth.Reading(node: node, document: .failure(.init(reason, error.message)))
        } catch {
            return NodeHealth.Reading(node: node, document: .failure(.init(.down, "\(node.name): \(error)")))
        }
    }
}
