import ClusterSpec

/// Process control and node files on one host: what starts, stops and inspects a node where it
/// runs. ``LocalHost`` is this machine; an ssh host is another implementation of the same role.
/// Nothing here reads a node's API or etcd (``NodeReader``) or the control plane's files
/// (``ControlPlane``).
public protocol NodeHost: Sendable {
    /// Each node's processes on this host (pid file, command lines, leftover etcd), in the
    /// order of `nodes`; `held` is left false (the control plane keeps that record).
    func processes(of nodes: [NodeSpec]) async -> [ClusterObservation.Node]
    /// The node's ports that are taken now, each said with its holder, e.g.
    /// `api port 4002 is held by pid 4242 (python3 -m http.server 4002)`.
    func busyPorts(of node: NodeSpec) async -> [String]
    /// Starts the node in the background; returns its pid.
    func start(_ node: NodeSpec) async throws -> Int32
    /// Whether the process recorded for the node (by ``start(_:)`` or earlier) still runs.
    func isRunning(_ node: NodeSpec) async -> Bool
    /// The pid of the node's process when it is stopped by a signal (SIGSTOP): it runs but will
    /// not answer until SIGCONT, so waiting for it is pointless. Nil otherwise.
    func stoppedPID(of node: NodeSpec) async -> Int32?
    /// Sends `signal` to the node's process (`etcd` false) or to its etcd child (`etcd` true),
    /// as a drill's kill, pause and resume do; returns the pid signalled, nil when that
    /// process does not run.
    func signal(_ node: NodeSpec, _ signal: Int32, etcd: Bool) async -> Int32?
    /// Stops the node's process gracefully; returns whether it is gone.
    func stop(_ node: NodeSpec, pid: Int32) async -> Bool
    /// Stops an etcd whose node is gone (SIGTERM, SIGKILL after 5 s); returns whether it is gone.
    func stopEtcd(_ node: NodeSpec, pid: Int32) async -> Bool
    /// Removes the node's pid file.
    func removePIDFile(_ node: NodeSpec) async
    /// The last `lines` lines of the node's log, and where the log is.
    func log(of node: NodeSpec, lines: Int) async -> (path: String, lines: [String])
    /// The broadcasts the node accepted and has not written to etcd, as its queue on disk holds
    /// them (0 without a queue).
    func storedBroadcasts(of node: NodeSpec) async -> Int
    /// The last revision the node delivered, as its state on disk says (0 before its first
    /// delivery; nil when it cannot be read).
    func lastKnownRevision(of node: NodeSpec) async -> Int64?
    /// Whether the node has etcd data.
    func hasEtcdData(_ node: NodeSpec) async -> Bool
    /// Deletes the node's etcd data; returns the directory removed, nil when there was none.
    func removeEtcdData(_ node: NodeSpec) async throws -> String?
    /// Marks the node as joining the running cluster (``HeadnetCore/NodeStateFiles/joinExisting``):
    /// its etcd, on an empty data directory, starts as `existing` even when the node is a founder.
    func markJoiningExisting(_ node: NodeSpec) async throws
    /// Restores the node's etcd member from a snapshot into `restore.stagingDirectory`
    /// (`etcdctl snapshot restore`), replacing what an interrupted restore left there; the
    /// node's etcd does not see it until ``installRestore(_:)``.
    func stageRestore(_ restore: RestorePlanner.MemberRestore) async throws
    /// Moves a staged restore into the node's etcd data directory.
    func installRestore(_ restore: RestorePlanner.MemberRestore) async throws
}
