import ClusterSpec
import Deploy
import EtcdClient
import Foundation
import HeadnetCore

/// etcd's Cluster API through the nodes' client ports: member changes go to the members other
/// than the one they are about, failing over between them.
public struct EtcdMembership: Membership {
    /// The cluster.
    public let spec: ClusterSpec
    /// Its etcd members, one at a time.
    public let etcd: EtcdProbe

    /// Membership of `spec`'s cluster, reached with `etcd`'s TLS.
    public init(spec: ClusterSpec, etcd: EtcdProbe) {
        self.spec = spec
        self.etcd = etcd
    }

    public func members(asking nodes: [NodeSpec]) async throws -> [MemberObservation.Member] {
        var lastError: (any Error)?
        for node in nodes {
            do {
                return try await withEtcd([node]) { try await $0.memberList().members }.map { member in
                    MemberObservation.Member(
                        id: member.id, name: member.name, peerURLs: member.peerURLs, isLearner: member.isLearner,
                        node: MemberObservation.node(forPeerURLs: member.peerURLs, among: spec.nodes))
                }
            } catch {
                lastError = error
            }
        }
        throw lastError ?? OrchestratorError(.etcd, "no voting member of cluster '\(spec.name)' to ask for the member list")
    }

    public func addMember(_ node: NodeSpec, learner: Bool) async throws -> UInt64 {
        try await withEtcd(others(than: node)) { try await $0.memberAdd(peerURLs: [EtcdConfigRenderer.peerURL(node, tls: spec.tlsEnabled)], learner: learner).member.id }
    }

    public func removeMember(_ node: NodeSpec) async throws -> UInt64? {
        try await withEtcd(others(than: node)) { etcd in
            guard let id = try await memberID(of: node, etcd) else { return nil }
            try await etcd.memberRemove(id: id)
            return id
        }
    }

    public func promoteMember(_ node: NodeSpec) async throws -> Bool {
        try await withEtcd(others(than: node)) { etcd in
            guard let id = try await memberID(of: node, etcd) else {
                throw OrchestratorError(.node, "\(node.name) is not an etcd member (any more)")
            }
            do {
                try await etcd.memberPromote(id: id)
                return true
            } catch let error as EtcdError where error.message.contains("in sync with leader") {
                return false
            }
        }
    }

    public func moveLeader(from leader: NodeSpec, to target: NodeSpec) async throws {
        do {
            try await etcd.moveLeader(from: leader, to: target)
        } catch {
            // etcd can close the call's stream while leadership moves ("Stream unexpectedly
            // closed"): what counts is who leads afterwards.
            let moved = await Polling.poll(every: .milliseconds(100), within: .seconds(5)) { () -> Bool? in
                guard let now = await etcd.leader(among: spec.nodes), now != leader.name else { return nil }
                return true
            }
            if moved == nil { throw error }
        }
    }

    public func defragment(_ node: NodeSpec) async throws -> MemberDefragmentation {
        try await etcd.withMember(node, requestTimeout: .seconds(5)) { member in
            let before = MemberReading(node: node.name, status: try await member.status(endpoint: 0))
            let clock = ContinuousClock()
            let started = clock.now
            try await member.defragment(endpoint: 0)
            let elapsed = started.duration(to: clock.now)
            let after = MemberReading(node: node.name, status: try await member.status(endpoint: 0))
            return MemberDefragmentation(before: before, after: after, seconds: elapsed.inSeconds)
        }
    }

    public func snapshot(of node: NodeSpec, to path: String) async throws {
        _ = try await etcd.withMember(node, requestTimeout: .seconds(5)) { member in try await member.snapshot(to: path, endpoint: 0) }
    }

    public func keyCount(of node: NodeSpec, at revision: Int64) async throws -> Int64 {
        try await etcd.withMember(node, requestTimeout: .seconds(5)) { member in
            try await member.range(EtcdKeyRange(key: [0], rangeEnd: [0]), EtcdRangeOptions(revision: revision, serializable: true, countOnly: true)).count
        }
    }

    /// The spec's nodes other than `node`, in order.
    func others(than node: NodeSpec) -> [NodeSpec] { spec.nodes.filter { $0.name != node.name } }

    /// The ID of `node`'s member (matched by peer URL), nil when it is not one.
    func memberID(of node: NodeSpec, _ etcd: EtcdClient) async throws -> UInt64? {
        MemberObservation.member(of: node, in: try await etcd.memberList().members)?.id
    }

    /// Runs `body` with a client of the etcd members of `nodes` (failing over between them).
    func withEtcd<T: Sendable>(_ nodes: [NodeSpec], _ body: (EtcdClient) async throws -> T) async throws -> T {
        try await EtcdClient.withClient(
            .init(endpoints: nodes.map(spec.clientURL(of:)), tls: etcd.tls, requestTimeout: .seconds(5)), body)
    }
}
