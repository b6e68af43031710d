import ClusterSpec

/// A host of the spec that the runner has no way to reach: nothing runs there as far as headnet
/// can see, and starting a node there is refused, saying what to do instead.
public struct UnreachableHost: NodeHost {
    /// The host.
    public let host: HostSpec

    /// The unreachable `host`.
    public init(host: HostSpec) {
        self.host = host
    }

    public func processes(of nodes: [NodeSpec]) async -> [ClusterObservation.Node] {
        nodes.map { ClusterObservation.Node(name: $0.name, process: .none) }
    }

    public func busyPorts(of node: NodeSpec) async -> [String] { [] }

    public func start(_ node: NodeSpec) async throws -> Int32 {
        throw Self.refusal([(node.name, host)])
    }

    public func isRunning(_ node: NodeSpec) async -> Bool { false }
    public func stoppedPID(of node: NodeSpec) async -> Int32? { nil }
    public func signal(_ node: NodeSpec, _ signal: Int32, etcd: Bool) async -> Int32? { nil }
    public func stop(_ node: NodeSpec, pid: Int32) async -> Bool { false }
    public func stopEtcd(_ node: NodeSpec, pid: Int32) async -> Bool { false }
    public func removePIDFile(_ node: NodeSpec) async {}

    public func log(of node: NodeSpec, lines: Int) async -> (path: String, lines: [String]) {
        ("\(node.name)'s log on host \(host.name)", ["(headnet cannot read files on host \(host.name) (\(host.address)))"])
    }

    public func storedBroadcasts(of node: NodeSpec) async -> Int { 0 }
    public func lastKnownRevision(of node: NodeSpec) async -> Int64? { nil }
    public func hasEtcdData(_ node: NodeSpec) async -> Bool { false }

    public func removeEtcdData(_ node: NodeSpec) async throws -> String? {
        throw Self.refusal([(node.name, host)])
    }

    public func markJoiningExisting(_ node: NodeSpec) async throws {
        throw Self.refusal([(node.name, host)])
    }

    public func stageRestore(_ restore: RestorePlanner.MemberRestore) async throws {
        throw Self.refusal([(restore.node, host)])
    }

    public func installRestore(_ restore: RestorePlanner.MemberRestore) async throws {
        throw Self.refusal([(restore.node, host)])
    }

    /// `node carol is on host h2 (10.77.0.2): remote hosts are not supported yet; …`.
    public static func refusal(_ remote: [(node: String, host: HostSpec)]) -> OrchestratorError {
        let placed = remote.map { "node \($0.node) is on host \($0.host.name) (\($0.host.address))" }.joined(separator: ", ")
        let them = remote.count == 1 ? remote[0].node : "them"
        return OrchestratorError(
            .unsupported,
            "\(placed): remote hosts are not supported yet; headnet starts nodes on this machine only. "
                + "Put \(them) on this machine (host `local`), or run \(them) there yourself: `headnet generate` writes the etcd configs, certificates and systemd unit")
    }
}
