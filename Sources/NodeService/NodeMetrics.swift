import HeadNetwork
import Logging
import Processes
import Prometheus
import Synchronization

/// The node's Prometheus metrics, rendered at `/metrics`.
public struct NodeMetrics: Sendable {
    /// The registry the metrics live in.
    public let registry: PrometheusCollectorRegistry
    private let delivered: Counter
    private let duplicatesDropped: Counter
    private let broadcastsQueued: Counter
    private let broadcastsRefused: Counter
    private let broadcastReplays: Counter
    private let events: Counter
    private let queueDepth: Gauge
    private let queueCapacity: Gauge
    private let queueOldestWait: Gauge
    private let connected: Gauge
    private let peers: Gauge
    private let lastKnownRevision: Gauge
    private let broadcastRetries: Counter
    private let broadcastDedupes: Counter
    private let missedEvents: Counter
    private let missedRevisions: Counter
    private let missed = SharedCount()
    private let queuedToCommitted: DurationHistogram
    private let committedToDelivered: DurationHistogram
    private let timings = TimingsBox()
    private let leaderChangesSeen = SharedCount()
    private let etcdReachable: Gauge
    private let etcdHasLeader: Gauge
    private let etcdLeaderChanges: Counter
    private let etcdRaftTerm: Gauge
    private let etcdRaftIndex: Gauge
    private let etcdRevision: Gauge
    private let etcdDBSize: Gauge
    private let etcdDBSizeInUse: Gauge
    private let process: ProcessMetrics
    private let certificates: CertificateMetrics

    /// The histograms' buckets: 0.5 ms to 10 s.
    static let buckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
        .milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
    ]

    /// Creates the metrics of a node without identity or certificates (tests).
    public init() {
        self.init(registry: PrometheusCollectorRegistry(), certificates: [], logger: Logger(label: "headnet.metrics"))
    }

    /// Creates the metrics of the node `configuration` describes: `headnet_target_info` and
    /// `headnet_build_info` name it, `headnet_certificate_expiry_seconds` covers its certificates.
    public init(configuration: NodeConfiguration, logger: Logger) {
        let registry = PrometheusCollectorRegistry()
        self.init(registry: registry, certificates: configuration.certificates, logger: logger)
        registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "headnet", metricName: "target", unitName: "info",
                helpText: "The node: its cluster (empty when it runs without a spec), name and advertised address; always 1"),
            labels: [
                ("cluster", configuration.cluster?.name ?? ""), ("node", configuration.nodeID),
                ("advertise", configuration.network.advertise.description),
            ]
        ).set(to: 1)
        registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "headnet", metricName: "build", unitName: "info",
                helpText: "The headnet release the node runs and the protocol version it writes; always 1"),
            labels: [("version", configuration.version), ("protocol_version", String(configuration.network.protocolVersion))]
        ).set(to: 1)
    }

    private init(registry: PrometheusCollectorRegistry, certificates: [CertificateFile], logger: Logger) {
        self.registry = registry
        process = ProcessMetrics(registry: registry)
        self.certificates = CertificateMetrics(registry: registry, files: certificates, logger: logger)
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "headnet", metricName: name, unitName: "total", helpText: help))
        }
        func gauge(_ name: String, _ unit: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "headnet", metricName: name, unitName: unit, helpText: help))
        }
        delivered = counter("messages_delivered", "Messages appended to the delivered journal")
        duplicatesDropped = counter("messages_duplicates_dropped", "Redelivered messages the journal dropped")
        broadcastsQueued = counter("broadcasts_queued", "Messages queued for broadcast")
        broadcastsRefused = counter("broadcasts_refused", "Broadcasts answered 503 because the queue was full (nothing kept)")
        broadcastReplays = counter(
            "broadcast_idempotent_replays", "Broadcasts with an Idempotency-Key the node had accepted before: answered 202 again, nothing queued")
        events = counter("network_events", "Network events emitted")
        queueDepth = gauge("broadcast_queue", "depth", "Messages waiting to be broadcast")
        queueCapacity = gauge("broadcast_queue", "capacity", "Messages the broadcast queue holds before it refuses more")
        queueOldestWait = gauge(
            "broadcast_queue_oldest_wait", "seconds", "How long the oldest message in the broadcast queue has waited (0 when it is empty)")
        connected = gauge("network", "connected", "1 when connected to a majority")
        peers = gauge("peers", "alive", "Peers whose alive key is present")
        lastKnownRevision = gauge("last_known", "revision", "Revision of the last delivered message batch")
        broadcastRetries = counter("broadcast_retries", "Broadcast puts that failed and were retried after 1 s")
        broadcastDedupes = counter("broadcast_dedupes", "Broadcast retries that found their batch already written")
        missedEvents = counter("messages_missed", "MessagesMissed events: the watch resumed past a compacted revision")
        missedRevisions = counter("messages_missed_revisions", "Revisions skipped by MessagesMissed events")
        func histogram(_ name: String, _ help: String) -> DurationHistogram {
            registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(namespace: "headnet", metricName: name, unitName: "seconds", helpText: help), buckets: Self.buckets)
        }
        queuedToCommitted = histogram("broadcast_queued_to_committed", "This node's messages: from queued (POST /broadcast) until etcd committed their put")
        committedToDelivered = histogram(
            "broadcast_committed_to_delivered", "This node's batches: from etcd's commit until the node's own watch journaled them")
        func etcdGauge(_ name: String, _ unit: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "headnet", subsystem: "etcd", metricName: name, unitName: unit, helpText: help))
        }
        etcdReachable = etcdGauge("up", "", "1 when the node's etcd member answered its last status poll")
        etcdHasLeader = etcdGauge("has_leader", "", "1 when the node's etcd member knows of a leader")
        etcdLeaderChanges = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "headnet", subsystem: "etcd", metricName: "leader_changes", unitName: "total",
                helpText: "Leader changes the node saw since it started (status polled every second)"))
        etcdRaftTerm = etcdGauge("raft_term", "", "Raft term of the node's etcd member")
        etcdRaftIndex = etcdGauge("raft_index", "", "Raft log index of the node's etcd member")
        etcdRevision = etcdGauge("revision", "", "The cluster's revision as the node's etcd member reports it")
        etcdDBSize = etcdGauge("db_size", "bytes", "Size of the member's backend database")
        etcdDBSizeInUse = etcdGauge("db_size_in_use", "bytes", "Bytes of the member's database in use (the rest is freed by defragmentation)")
    }

    /// Counts what a trace entry says: retries, dedupes, missed messages.
    func record(_ entry: EtcdLog) {
        switch entry {
        case .broadcastFailed: broadcastRetries.increment()
        case .broadcastDeduped: broadcastDedupes.increment()
        case .broadcastSent(let messages, let revision, let firstItem):
            let commit = timings.value.withLock { $0.committed(firstItem: firstItem, messages: messages, revision: revision, at: .now) }
            for wait in commit.queueWaits { queuedToCommitted.recordNanoseconds(wait.inNanoseconds) }
            if let delivered = commit.deliveredBeforeAnswer { committedToDelivered.recordNanoseconds(delivered.inNanoseconds) }
        case .networkEvent(.messagesMissed(let from, let to)):
            missedEvents.increment()
            missedRevisions.increment(by: Int64(max(0, to - from + 1)))
            missed.value.withLock { $0 += 1 }
        default: break
        }
    }

    /// MessagesMissed events since the node started.
    var messagesMissed: Int { missed.value.withLock { $0 } }

    /// Messages of one watch response: `appended` journaled, `dropped` as repeats.
    func recordDeliveries(appended: Int, dropped: Int) {
        if appended > 0 { delivered.increment(by: Int64(appended)) }
        if dropped > 0 { duplicatesDropped.increment(by: Int64(dropped)) }
    }
    /// A message that arrived at `time` was queued as queue item `item`.
    func recordQueued(item: UInt64, arrived time: ContinuousClock.Instant) {
        broadcastsQueued.increment()
        if let wait = timings.value.withLock({ $0.queued(item: item, at: time) }) { queuedToCommitted.recordNanoseconds(wait.inNanoseconds) }
    }

    /// One of this node's own batches, committed at `revision`, reached the journal.
    func recordOwnDelivery(revision: Int64) {
        if let time = timings.value.withLock({ $0.delivered(revision: revision, at: .now) }) {
            committedToDelivered.recordNanoseconds(time.inNanoseconds)
        }
    }
    func recordEvent() { events.increment() }

    /// A broadcast refused with 503: the queue was full.
    func recordRefused() { broadcastsRefused.increment() }

    /// A broadcast whose idempotency key was accepted before: answered again, nothing queued.
    func recordReplay() { broadcastReplays.increment() }

    /// Refreshes the gauges from the component's state.
    func update(from status: NetworkStatus) {
        queueDepth.set(to: Double(status.queueDepth))
        queueCapacity.set(to: Double(status.queueCapacity))
        queueOldestWait.set(to: status.queueOldestWaitSeconds ?? 0)
        connected.set(to: status.connected ? 1 : 0)
        peers.set(to: Double(status.peers.count))
        lastKnownRevision.set(to: Double(status.lastKnownRevision))
        guard let etcd = status.etcd else { return }
        etcdReachable.set(to: etcd.reachable ? 1 : 0)
        etcdHasLeader.set(to: etcd.hasLeader ? 1 : 0)
        let seen = leaderChangesSeen.value.withLock { seen in
            defer { seen = max(seen, etcd.leaderChanges) }
            return max(0, etcd.leaderChanges - seen)
        }
        if seen > 0 { etcdLeaderChanges.increment(by: Int64(seen)) }
        guard etcd.reachable else { return }
        etcdRaftTerm.set(to: Double(etcd.raftTerm))
        etcdRaftIndex.set(to: Double(etcd.raftIndex))
        etcdRevision.set(to: Double(etcd.revision))
        etcdDBSize.set(to: Double(etcd.dbSizeBytes))
        etcdDBSizeInUse.set(to: Double(etcd.dbSizeInUseBytes))
    }

    /// The Prometheus text exposition, after reading the process's figures and the certificates'
    /// expiry afresh.
    public func render() -> String {
        process.refresh()
        certificates.refresh()
        return registry.emitToString()
    }
}

/// A count the metrics read back (a Prometheus counter cannot be read).
private final class SharedCount: Sendable {
    let value = Mutex(0)
}

/// The broadcast timings, shared by the metrics' copies.
private final class TimingsBox: Sendable {
    let value = Mutex(BroadcastTimings())
}
