import Processes

/// What the node's own etcd member says about itself (etcd's Maintenance Status RPC, polled
/// every second), for `/status`, metrics and `headnet health`.
public struct EtcdFigures: Sendable, Hashable, Codable {
    /// Whether the last poll got an answer.
    public var reachable = false
    /// Whether the member knows of a leader.
    public var hasLeader = false
    /// The member's ID, hex.
    public var member = ""
    /// The leader's member ID, hex ("" when none).
    public var leader = ""
    /// Leader changes this node saw since it started: a new leader, or the same one elected
    /// again in a later term (polls are a second apart, so two elections within one are one).
    public var leaderChanges = 0
    /// Raft term.
    public var raftTerm: UInt64 = 0
    /// Raft log index.
    public var raftIndex: UInt64 = 0
    /// The cluster's revision.
    public var revision: Int64 = 0
    /// Backend database size.
    public var dbSizeBytes: Int64 = 0
    /// Bytes of the database in use (the rest is freed by defragmentation).
    public var dbSizeInUseBytes: Int64 = 0
    /// Revisions written per second, over the last minute (nil until two polls a second apart).
    public var revisionsPerSecond: Double?

    /// No answer yet.
    public init() {}
}

/// Turns the successive status polls of the node's etcd member into ``EtcdFigures``: counts
/// leader changes and measures the write rate. Free of I/O; the component feeds it.
public struct EtcdFiguresTracker: Sendable {
    /// One status answer, reduced to what the figures need.
    public struct Sample: Sendable, Hashable {
        /// The member's ID.
        public var member: UInt64
        /// The leader it knows of, 0 when none.
        public var leader: UInt64
        /// Raft term.
        public var raftTerm: UInt64
        /// Raft log index.
        public var raftIndex: UInt64
        /// The cluster's revision (response header).
        public var revision: Int64
        /// Backend database size.
        public var dbSize: Int64
        /// Bytes in use.
        public var dbSizeInUse: Int64

        /// Creates a sample.
        public init(member: UInt64, leader: UInt64, raftTerm: UInt64, raftIndex: UInt64, revision: Int64, dbSize: Int64, dbSizeInUse: Int64) {
            self.member = member
            self.leader = leader
            self.raftTerm = raftTerm
            self.raftIndex = raftIndex
            self.revision = revision
            self.dbSize = dbSize
            self.dbSizeInUse = dbSizeInUse
        }
    }

    /// The figures so far.
    public private(set) var figures = EtcdFigures()
    /// How far back the write rate looks.
    public let window: Duration
    private var lastLeader: (id: UInt64, term: UInt64)?
    private var history: [(at: ContinuousClock.Instant, revision: Int64)] = []

    /// A tracker measuring the write rate over `window`.
    public init(window: Duration = .seconds(60)) {
        self.window = window
    }

    /// Takes one answer, received at `time`.
    public mutating func record(_ sample: Sample, at time: ContinuousClock.Instant) {
        figures.reachable = true
        figures.hasLeader = sample.leader != 0
        figures.member = String(sample.member, radix: 16)
        figures.leader = sample.leader == 0 ? "" : String(sample.leader, radix: 16)
        figures.raftTerm = sample.raftTerm
        figures.raftIndex = sample.raftIndex
        figures.revision = sample.revision
        figures.dbSizeBytes = sample.dbSize
        figures.dbSizeInUseBytes = sample.dbSizeInUse
        if sample.leader != 0 {
            if let last = lastLeader, last.id != sample.leader || sample.raftTerm > last.term { figures.leaderChanges += 1 }
            lastLeader = (sample.leader, sample.raftTerm)
        }
        // A revision going backwards (a restored cluster) starts the measurement again.
        if let last = history.last, sample.revision < last.revision { history.removeAll() }
        history.append((time, sample.revision))
        history.removeAll { time - $0.at > window }
        if let first = history.first, let last = history.last, last.at - first.at >= .seconds(1) {
            let seconds = (last.at - first.at).inSeconds
            figures.revisionsPerSecond = Double(last.revision - first.revision) / seconds
        } else {
            figures.revisionsPerSecond = nil
        }
    }

    /// The poll got no answer: the member is unreachable and knows of no leader for us.
    public mutating func unreachable() {
        figures.reachable = false
        figures.hasLeader = false
    }
}
