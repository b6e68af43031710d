import ClusterSpec

/// A node of this machine that runs in a network namespace of its own (a drill's
/// ``NamespaceNetwork``): started as `ip netns exec <namespace> headnet node …`, which execs,
/// so the pid recorded is the node's. Its files, pid files and log are this machine's
/// (``LocalHost``'s): a namespace separates the network only, so everything but ``start(_:)``
/// and ``busyPorts(of:)`` is ``LocalHost``'s.
///
/// The spec places a node here with a `hosts:` entry that names the namespace
/// (`{name: ns-alice, address: 10.77.12.10, namespace: hn3fa2-n0}`); headnet reaches the node
/// at its advertised host (``ClusterSpec/ClusterSpec/reachableHost(of:)``), not loopback.
public struct NamespaceHost: NodeHost {
    /// This machine: files, pid files, signals.
    public let local: LocalHost
    /// The network namespace (`ip netns` name) the nodes run in.
    public let namespace: String

    /// Nodes of `local` run in `namespace`.
    public init(local: LocalHost, namespace: String) {
        self.local = local
        self.namespace = namespace
    }

    public func processes(of nodes: [NodeSpec]) async -> [ClusterObservation.Node] { await local.processes(of: nodes) }

    /// None: the node's ports are in its namespace, which holds nothing but the node (checking
    /// them from here would test this machine's ports instead).
    public func busyPorts(of node: NodeSpec) async -> [String] { [] }

    public func start(_ node: NodeSpec) async throws -> Int32 { try local.spawn(node, namespace: namespace) }
    public func isRunning(_ node: NodeSpec) async -> Bool { await local.isRunning(node) }
    public func stoppedPID(of node: NodeSpec) async -> Int32? { await local.stoppedPID(of: node) }
    public func signal(_ node: NodeSpec, _ signal: Int32, etcd: Bool) async -> Int32? { await local.signal(node, signal, etcd: etcd) }
    public func stop(_ node: NodeSpec, pid: Int32) async -> Bool { await local.stop(node, pid: pid) }
    public func stopEtcd(_ node: NodeSpec, pid: Int32) async -> Bool { await local.stopEtcd(node, pid: pid) }
    public func removePIDFile(_ node: NodeSpec) async { await local.removePIDFile(node) }
    public func log(of node: NodeSpec, lines: Int) async -> (path: String, lines: [String]) { await local.log(of: node, lines: lines) }
    public func storedBroadcasts(of node: NodeSpec) async -> Int { await local.storedBroadcasts(of: node) }
    public func lastKnownRevision(of node: NodeSpec) async -> Int64? { await local.lastKnownRevision(of: node) }
    public func hasEtcdData(_ node: NodeSpec) async -> Bool { await local.hasEtcdData(node) }
    public func removeEtcdData(_ node: NodeSpec) async throws -> String? { try await local.removeEtcdData(node) }
    public func markJoiningExisting(_ node: NodeSpec) async throws { try await local.markJoiningExisting(node) }
    public func stageRestore(_ restore: RestorePlanner.MemberRestore) async throws { try await local.stageRestore(restore) }
    public func installRestore(_ restore: RestorePlanner.MemberRestore) async throws { try await local.installRestore(restore) }
}
