import ClusterSpec
import EtcdClient
import HeadnetCore

/// Asks one node's etcd member about itself (Maintenance Status), without failing over to others.
public struct EtcdProbe: Sendable {
    /// Client TLS for the cluster's etcd (nil with TLS off).
    public let tls: EtcdClientConfiguration.TLS?
    /// The host a node's etcd is reached at (``ClusterSpec/ClusterSpec/reachableHost(of:)``).
    public let host: @Sendable (NodeSpec) -> String

    /// A probe using `tls`, reaching each node at `host` (default: loopback).
    public init(tls: EtcdClientConfiguration.TLS?, host: @escaping @Sendable (NodeSpec) -> String = { _ in HostSpec.local.address }) {
        self.tls = tls
        self.host = host
    }

    /// The member's status (2 s timeout).
    public func status(of node: NodeSpec) async throws -> EtcdStatus {
        try await withMember(node) { etcd in try await etcd.status(endpoint: 0) }
    }

    /// The member's status and the cluster's member list as it sees them (2 s timeout).
    public func statusAndMembers(of node: NodeSpec) async throws -> (status: EtcdStatus, members: [EtcdMember]) {
        try await withMember(node) { etcd in (try await etcd.status(endpoint: 0), try await etcd.memberList().members) }
    }

    /// Hands leadership from `leader`'s member (which must lead) to `target`'s, found in the
    /// member list by its peer URL; returns once etcd says it moved.
    public func moveLeader(from leader: NodeSpec, to target: NodeSpec) async throws {
        try await withMember(leader, requestTimeout: .seconds(15)) { etcd in
            guard let member = MemberObservation.member(of: target, in: try await etcd.memberList().members) else {
                throw OrchestratorError(.state, "\(target.name) (\(target.advertise)) is not in \(leader.name)'s member list")
            }
            try await etcd.moveLeader(to: member.id, endpoint: 0)
        }
    }

    /// Whether `node`'s `alive-` key is in etcd, and the revision of the newest `msg-` put, read
    /// through `node`'s own member.
    public func aliveAndNewestMessage(_ node: NodeSpec) async throws -> (alive: Bool, newestMessage: Int64) {
        try await withMember(node) { etcd in
            let alive = try await etcd.range(EtcdKeyRange(key: Array("alive-\(node.advertise)".utf8)), EtcdRangeOptions(countOnly: true)).count > 0
            let newest = try await etcd.range(.prefix("msg-"), EtcdRangeOptions(keysOnly: true)).kvs.map(\.modRevision).max() ?? 0
            return (alive, newest)
        }
    }

    /// Runs `body` with a client of the node's member alone (endpoint 0; no failover), each
    /// call bounded by `requestTimeout` unless the call names its own (defragment, snapshot).
    public func withMember<T: Sendable>(
        _ node: NodeSpec, requestTimeout: Duration = .seconds(2), _ body: (EtcdClient) async throws -> T
    ) async throws -> T {
        let endpoint = "\(tls == nil ? "http" : "https")://\(Address(host: host(node), port: node.clientPort))"
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
