import ClusterSpec
import Foundation
import HeadNetwork
import NodeAPIModel
import Processes

extension LocalClusterRunner {
    /// The API client of `node`, checking that the node answering is this cluster's; when the
    /// node does not answer, its errors suggest `headnet up -f SPEC` or name a stopped process.
    public func api(for node: NodeSpec) -> NodeAPIClient {
        NodeAPIClient(
            node: node, host: spec.reachableHost(of: node), cluster: spec, specPath: nodes.specPath, startHint: "headnet up -f \(specArgument)",
            pidFile: nodes.pidFile(node))
    }

    /// Broadcasts `payload` through `node`, with `idempotencyKey` when given; returns true when
    /// the node had accepted that key before (nothing new was queued).
    ///
    /// - Throws: ``OrchestratorError`` `queueFull` when the node's queue is full, with its cause
    ///   and, when it is the quorum, how many members answer; errors of ``NodeAPIClient``.
    @discardableResult
    public func broadcast(_ payload: Data, through node: NodeSpec, idempotencyKey: IdempotencyKey? = nil) async throws -> Bool {
        let full: QueueFull
        switch try await api(for: node).broadcast(payload, idempotencyKey: idempotencyKey) {
        case .queued: return false
        case .replayed: return true
        case .refused(let refusal): full = refusal
        }
        guard full.cause != .slow else { throw OrchestratorError.queueFull(node.name, full) }
        let up = await membersUp()
        throw OrchestratorError.queueFull(node.name, full, cluster: "\(up) of \(spec.nodes.count) members up (quorum \(spec.quorum))")
    }

    /// How many of the cluster's etcd members answer a status request (asked side by side).
    public func membersUp() async -> Int {
        await withTaskGroup(of: Bool.self) { group in
            for node in spec.nodes { group.addTask { (try? await etcd.status(of: node)) != nil } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }
}
