import ClusterSpec
import EtcdClient

/// Asks one node's etcd member about itself (Maintenance Status), without failing over to others.
public struct EtcdProbe: Sendable {
    /// Client TLS for the cluster's etcd (nil with TLS off).
    public let tls: EtcdClientConfiguration.TLS?

    /// A probe using `tls`.
    public init(tls: EtcdClientConfiguration.TLS?) {
        self.tls = tls
    }

    /// The member's status (2 s timeout).
    public func status(of node: NodeSpec) async throws -> EtcdStatus {
        try await withMember(node) { etcd in try await etcd.status(endpoint: 0) }
    }

    /// The member's status and the cluster's member list as it sees them (2 s timeout).
    public func statusAndMembers(of node: NodeSpec) async throws -> (status: EtcdStatus, members: [EtcdMember]) {
        try await withMember(node) { etcd in (try await etcd.status(endpoint: 0), try await etcd.memberList().members) }
    }

    /// Runs `body` with a client of the node's member alone (endpoint 0; no failover), each
    /// call bounded by `requestTimeout` unless the call names its own (defragment, snapshot).
    public func withMember<T: Sendable>(
        _ node: NodeSpec, requestTimeout: Duration = .seconds(2), _ body: (EtcdClient) async throws -> T
    ) async throws -> T {
        let endpoint = "\(tls == nil ? "http" : "https")://127.0.0.1:\(node.clientPort)"
        return try await EtcdClient.withClient(
            .init(endpoints: [endpoint], tls: tls, requestTimeout: requestTimeout, failoverTimeout: .zero), body)
    }

    /// The name of the node whose member says it leads, asking `nodes` side by side.
    public func leader(among nodes: [NodeSpec]) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            for node in nodes {
                group.addTask { (try? await status(of: node))?.isLeader == true ? node.name : nil }
            }
            return await group.compactMap { $0 }.first { _ in true }
        }
    }
}
