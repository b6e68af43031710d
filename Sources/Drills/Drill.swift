import ClusterSpec

/// A failover drill as its file describes it (DESIGN section 7): a cluster, a load that runs
/// from the first step to the last, the steps, and what must hold afterwards.
public struct Drill: Sendable, Hashable {
    /// Where the drill's cluster comes from.
    public enum Cluster: Sendable, Hashable {
        /// A spec file, its path absolute (a relative path in the drill file is taken from the
        /// drill file's directory).
        case spec(path: String)
        /// A spec written in the drill file.
        case inline(ClusterSpec)
    }

    /// The load: every sender broadcasts sequenced payloads at a steady rate.
    public struct Load: Sendable, Hashable {
        /// The nodes that send (their APIs get the broadcasts); every node by default.
        public var senders: NodeSelector = .all
        /// Messages per second per sender.
        public var rate: Double = 20
        /// Payload bytes of each message (at least the `{sender, seq}` header).
        public var size: Int = 256
        /// Seconds the load runs; by default until the last step is done.
        public var seconds: Double?

        /// The default load.
        public init() {}
    }

    /// What must hold after the drill (each checked after every run).
    public struct Expectations: Sendable, Hashable {
        /// Every accepted message is delivered on every node (or reported missed, when
        /// ``missedReported``).
        public var noLoss = true
        /// No node delivers a message twice.
        public var noDuplicates = true
        /// Every node delivers each sender's messages in the order they were sent.
        public var perSenderOrder = true
        /// etcd's HashKV at one revision agrees on every member.
        public var hashesAgree = true
        /// Every fault is recovered from (every node delivering again, health passing) within
        /// this many seconds.
        public var recoveredWithin: Double?
        /// Messages a node could not read because they were compacted while it was down are
        /// expected, and must be reported by the node as missed (`MessagesMissed`).
        public var missedReported = false

        /// The defaults: no loss, no duplicates, per-sender order, hashes agree.
        public init() {}
    }

    /// The drill's name (its file name without `.yaml` when not given).
    public var name: String
    /// What it proves, for the report.
    public var description: String?
    /// The cluster.
    public var cluster: Cluster
    /// The load.
    public var load: Load
    /// The steps, in order.
    public var steps: [DrillStep]
    /// What must hold afterwards.
    public var expectations: Expectations

    /// Creates a drill.
    public init(
        name: String, description: String? = nil, cluster: Cluster, load: Load = Load(), steps: [DrillStep],
        expectations: Expectations = Expectations()
    ) {
        self.name = name
        self.description = description
        self.cluster = cluster
        self.load = load
        self.steps = steps
        self.expectations = expectations
    }

    /// Whether a step needs a network namespace per node.
    public var needsNetworkNamespaces: Bool { steps.contains { $0.action.needsNetworkNamespaces } }
    /// Whether a step fills or frees a node's disk (``DrillDisks``).
    public var needsDisks: Bool { steps.contains { $0.action.needsDisks } }
}
