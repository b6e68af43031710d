import ClusterSpec
import Deploy
import EtcdClient
import Foundation
import HeadNetwork
import HeadnetCore

/// Member changes on this machine: etcd's Cluster API through the nodes' client ports, the spec
/// file, and the nodes' state directories.
extension LocalClusterRunner: MembershipRunner {
    public func observeMembers() async -> MemberObservation {
        let processes = processes()
        let statuses = await withTaskGroup(of: (String, EtcdStatus?).self) { group in
            for node in spec.nodes {
                group.addTask { (node.name, try? await etcd.status(of: node)) }
            }
            return await group.reduce(into: [String: EtcdStatus]()) { $0[$1.0] = $1.1 }
        }
        // The member list from a voting member (a learner refuses the call).
        var list: [EtcdMember] = []
        for node in spec.nodes where statuses[node.name]?.isLearner == false {
            if let members = try? await withEtcd([node], { try await $0.memberList().members }) {
                list = members
                break
            }
        }
        let nodes = zip(spec.nodes, processes).map { node, process in
            let status = statuses[node.name]
            return MemberObservation.Node(
                name: node.name, process: process, etcdUp: status != nil, etcdHealthy: status.map { $0.errors.isEmpty && $0.leader != 0 } ?? false,
                hasEtcdData: Self.holdsFiles(etcdDataDirectory(node)))
        }
        let leaders = spec.nodes.compactMap { statuses[$0.name]?.leader }.filter { $0 != 0 }
        return MemberObservation(
            members: list.map { member in
                MemberObservation.Member(
                    id: member.id, name: member.name, peerURLs: member.peerURLs, isLearner: member.isLearner,
                    node: MemberObservation.node(forPeerURLs: member.peerURLs, among: spec.nodes))
            },
            nodes: nodes, leaderID: leaders.first)
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

    public func raftProgress(of node: NodeSpec) async throws -> (applied: UInt64, leader: UInt64) {
        let own = try await etcd.status(of: node)
        guard own.leader != 0 else { throw OrchestratorError(.node, "\(node.name)'s etcd knows no leader yet") }
        for other in others(than: node) {
            if let status = try? await etcd.status(of: other), status.header.memberID == own.leader {
                return (own.raftAppliedIndex, status.raftIndex)
            }
        }
        throw OrchestratorError(.node, "no node's etcd answers as the leader \(String(own.leader, radix: 16))")
    }

    public func queuedBroadcasts(of node: NodeSpec) async -> Int {
        if let status = try? await api(for: node).statusDocument() { return status.network.queueDepth }
        let queue = layout.nodeDirectory(node).appendingPathComponent(NodeStateFiles.queue)
        return (try? PersistentQueue.storedCount(in: queue)) ?? 0
    }

    public var keepsCAKey: Bool { ClusterPKI(directory: layout.pkiDirectory).hasCAKey }

    public func issueNodeCertificates(_ node: NodeSpec, in spec: ClusterSpec) async throws -> String {
        let pki = ClusterPKI(directory: layout.pkiDirectory)
        try pki.issueCertificates(of: node, in: spec, by: try pki.authority())
        return pki.directory.path
    }

    public func writeSpec(_ text: String) async throws -> String {
        let path = nodes.specPath
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw OrchestratorError(.state, "cannot write the spec \(path)", cause: error)
        }
        return path
    }

    public func removeEtcdData(_ node: NodeSpec) async throws -> String? {
        let directory = etcdDataDirectory(node)
        guard FileManager.default.fileExists(atPath: directory.path) else { return nil }
        do {
            try FileManager.default.removeItem(at: directory)
        } catch {
            throw OrchestratorError(.state, "cannot remove \(directory.path)", cause: error)
        }
        return directory.path
    }

    /// `<node>/etcd`: every etcd data directory of the node (one per founding cluster).
    func etcdDataDirectory(_ node: NodeSpec) -> URL { layout.nodeDirectory(node).appendingPathComponent("etcd") }

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

    /// Whether `directory` exists and holds anything.
    static func holdsFiles(_ directory: URL) -> Bool {
        !((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).isEmpty
    }
}
