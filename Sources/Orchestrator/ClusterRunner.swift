import ClusterSpec

/// What executes plans on the machines a cluster runs on: the process-level primitives. The
/// local runner does them with processes and files here; an ssh runner will do them remotely.
public protocol ClusterRunner: Sendable {
    /// The cluster.
    var spec: ClusterSpec { get }
    /// Each node's process, who leads, whether certificates exist.
    func observe() async -> ClusterObservation
    /// The node's ports that are taken now, each said with its holder, e.g.
    /// `api port 4002 is held by pid 4242 (python3 -m http.server 4002)`.
    func busyPorts(of node: NodeSpec) async -> [String]
    /// Creates the cluster's certificates; returns where they are.
    func createCertificates() async throws -> String
    /// Starts the node in the background; returns its pid.
    func start(_ node: NodeSpec) async throws -> Int32
    /// Whether the process recorded for the node (by ``start(_:)`` or earlier) still runs.
    func isRunning(_ node: NodeSpec) async -> Bool
    /// Whether the node says it is ready (its etcd serves, it is connected, the version matches).
    func isReady(_ node: NodeSpec) async -> Bool
    /// The pid of the node's process when it is stopped by a signal (SIGSTOP): it runs but will
    /// not answer until SIGCONT, so waiting for it is pointless. Nil otherwise.
    func stoppedPID(of node: NodeSpec) async -> Int32?
    /// Stops the node's process gracefully; returns whether it is gone.
    func stop(_ node: NodeSpec, pid: Int32) async -> Bool
    /// Stops an etcd whose node is gone (SIGTERM, SIGKILL after 5 s); returns whether it is gone.
    func stopEtcd(_ node: NodeSpec, pid: Int32) async -> Bool
    /// Removes the node's pid file.
    func removePIDFile(_ node: NodeSpec) async
    /// Records (`held`) or forgets that the node was stopped with `headnet stop`, so that `up`
    /// leaves it stopped.
    func setHeld(_ node: NodeSpec, _ held: Bool) async throws
    /// What to show when the node failed: the last lines of its log and what to run next.
    func failureDetails(_ node: NodeSpec) async -> [String]
    /// Deletes the cluster's state; returns what was removed. Refuses while any process of the
    /// cluster still runs.
    func purgeState() async throws -> String
    /// Hands etcd leadership from `leader`'s member to `target`'s; returns once `target` leads.
    func moveLeader(from leader: NodeSpec, to target: NodeSpec) async throws
    /// How far a running node is: its `alive-` key, its delivered revision, the newest message.
    func progress(of node: NodeSpec) async throws -> NodeProgress
    /// Issues new leaf certificates from the kept CA next to the ones in use, with the
    /// revocation list that will revoke those; says what it issued.
    func issueCertificates() async throws -> String
    /// Puts the new certificates of `node` (`nil`: the client's) in place of the old ones; says which.
    func installCertificates(of node: NodeSpec?) async throws -> String
    /// Installs the pending revocation list; says what it revokes.
    func revokeCertificates() async throws -> String
}

extension ClusterRunner {
    /// No process of this runner is ever stopped by a signal.
    public func stoppedPID(of node: NodeSpec) async -> Int32? { nil }

    /// This runner cannot keep a node stopped across `up`.
    public func setHeld(_ node: NodeSpec, _ held: Bool) async throws {
        throw OrchestratorError(.state, "this runner cannot keep \(node.name) stopped across `up`")
    }
}

/// How far a node has caught up with its cluster.
public struct NodeProgress: Sendable, Hashable {
    /// Whether the node's `alive-<host:port>` key is in etcd.
    public var aliveKey: Bool
    /// The last revision the node delivered (its last known revision).
    public var delivered: Int64
    /// The revision of the newest `msg-` put in the cluster (0 when there is none).
    public var newestMessage: Int64

    /// Creates a progress reading.
    public init(aliveKey: Bool, delivered: Int64, newestMessage: Int64) {
        self.aliveKey = aliveKey
        self.delivered = delivered
        self.newestMessage = newestMessage
    }
}
