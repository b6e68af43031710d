import ClusterSpec
import Health

/// What executes plans: the four roles a cluster operation needs, each node placed on its host
/// by the spec (`host:`, default `local`). The planners and ``PlanExecutor`` see only this; a
/// test replaces one role with a double and keeps the others.
///
/// ```swift
/// let runner = ClusterRunner(control: control, reader: reader, membership: membership, hosts: ["local": LocalHost(…)])
/// ```
public struct ClusterRunner: Sendable {
    /// The spec, the PKI and the state files of the machine running headnet.
    public let control: any ControlPlane
    /// Reads nodes through their API and etcd.
    public let reader: any NodeReader
    /// Changes etcd's members and leader.
    public let membership: any Membership
    /// The hosts nodes run on, by their name in the spec.
    public let hosts: [String: any NodeHost]

    /// A runner of these roles.
    public init(control: any ControlPlane, reader: any NodeReader, membership: any Membership, hosts: [String: any NodeHost]) {
        self.control = control
        self.reader = reader
        self.membership = membership
        self.hosts = hosts
    }

    /// The cluster.
    public var spec: ClusterSpec { control.spec }

    /// The host `node` runs on: its `host:` in the spec. A host this runner cannot reach is an
    /// ``UnreachableHost`` (nothing runs there as far as headnet can see; starting refuses).
    public func host(of node: NodeSpec) -> any NodeHost {
        hosts[node.host] ?? UnreachableHost(host: spec.host(of: node) ?? HostSpec(name: node.host, address: node.listen.host))
    }

    /// Each node's processes (from its host), whether it is held stopped, who leads, whether
    /// certificates exist.
    public func observe() async -> ClusterObservation {
        let nodes = await processes()
        let running = zip(spec.nodes, nodes).filter { $0.1.runningPID != nil || $0.1.leftoverEtcd != nil }.map(\.0)
        return ClusterObservation(nodes: nodes, leader: await reader.leader(among: running), certificatesPresent: control.certificatesPresent)
    }

    /// Each node's processes, asked of each host for its own nodes, in spec order.
    public func processes() async -> [ClusterObservation.Node] {
        var byName: [String: ClusterObservation.Node] = [:]
        for nodes in Dictionary(grouping: spec.nodes, by: \.host).values {
            for seen in await host(of: nodes[0]).processes(of: nodes) { byName[seen.name] = seen }
        }
        return spec.nodes.map { node in
            var seen = byName[node.name] ?? ClusterObservation.Node(name: node.name, process: .none)
            seen.held = control.isHeld(node)
            return seen
        }
    }

    /// etcd's member list and leader, and each spec node's process, etcd health and data.
    public func observeMembers() async -> MemberObservation {
        let processes = await processes()
        let statuses = await withTaskGroup(of: (String, EtcdMemberState?).self) { group in
            for node in spec.nodes {
                group.addTask { (node.name, try? await reader.member(of: node)) }
            }
            return await group.reduce(into: [String: EtcdMemberState]()) { $0[$1.0] = $1.1 }
        }
        let voting = spec.nodes.filter { statuses[$0.name]?.isLearner == false }
        let list = (try? await membership.members(asking: voting)) ?? []
        var nodes: [MemberObservation.Node] = []
        for (node, process) in zip(spec.nodes, processes) {
            let status = statuses[node.name]
            nodes.append(
                MemberObservation.Node(
                    name: node.name, process: process, etcdUp: status != nil, etcdHealthy: status?.healthy ?? false,
                    hasEtcdData: await host(of: node).hasEtcdData(node)))
        }
        let leaders = spec.nodes.compactMap { statuses[$0.name]?.leaderID }.filter { $0 != 0 }
        return MemberObservation(members: list, nodes: nodes, leaderID: leaders.first)
    }

    /// What to show when the node failed: the last lines of its log and what to run next.
    public func failureDetails(_ node: NodeSpec) async -> [String] {
        let log = await host(of: node).log(of: node, lines: 15)
        return ["last lines of \(log.path):"] + log.lines.map { "  \($0)" } + ["`headnet logs \(node.name) --etcd --spec \(control.specArgument)` shows its etcd's log"]
    }

    /// Broadcasts `node` accepted and has not written to etcd yet: its `/status` queue depth
    /// while it runs, else what its queue on disk holds.
    public func queuedBroadcasts(of node: NodeSpec) async -> Int {
        if let status = try? await reader.status(of: node) { return status.network.queueDepth }
        return await host(of: node).storedBroadcasts(of: node)
    }

    /// The raft index `node`'s etcd has applied, and the leader's raft index, as they say now.
    public func raftProgress(of node: NodeSpec) async throws -> (applied: UInt64, leader: UInt64) {
        let own = try await reader.member(of: node)
        guard own.leaderID != 0 else { throw OrchestratorError(.node, "\(node.name)'s etcd knows no leader yet") }
        for other in spec.nodes where other.name != node.name {
            if let status = try? await reader.member(of: other), status.memberID == own.leaderID {
                return (own.raftAppliedIndex, status.raftIndex)
            }
        }
        throw OrchestratorError(.node, "no node's etcd answers as the leader \(String(own.leaderID, radix: 16))")
    }

    /// The cluster report of `headnet health` (without certificates), its hints naming the spec
    /// as the user did.
    public func health() async -> HealthReport {
        var report = await reader.health(of: spec) { node in await host(of: node).lastKnownRevision(of: node) }
        report.results = HealthHints.withSpec(report.results, spec: control.specArgument)
        return report
    }
}
