import HeadNetwork
import Prometheus
import Synchronization

/// The node's Prometheus metrics, rendered at `/metrics`.
public struct NodeMetrics: Sendable {
    /// The registry the metrics live in.
    public let registry: PrometheusCollectorRegistry
    private let delivered: Counter
    private let duplicatesDropped: Counter
    private let broadcastsQueued: Counter
    private let events: Counter
    private let queueDepth: Gauge
    private let connected: Gauge
    private let peers: Gauge
    private let lastKnownRevision: Gauge
    private let broadcastRetries: Counter
    private let broadcastDedupes: Counter
    private let missedEvents: Counter
    private let missedRevisions: Counter
    private let missed = MissedCount()

    /// Creates the metrics.
    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "headnet", metricName: name, unitName: "total", helpText: help))
        }
        func gauge(_ name: String, _ unit: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "headnet", metricName: name, unitName: unit, helpText: help))
        }
        delivered = counter("messages_delivered", "Messages appended to the delivered journal")
        duplicatesDropped = counter("messages_duplicates_dropped", "Redelivered messages the journal dropped")
        broadcastsQueued = counter("broadcasts_queued", "Messages queued for broadcast")
        events = counter("network_events", "Network events emitted")
        queueDepth = gauge("broadcast_queue", "depth", "Messages waiting to be broadcast")
        connected = gauge("network", "connected", "1 when connected to a majority")
        peers = gauge("peers", "alive", "Peers whose alive key is present")
        lastKnownRevision = gauge("last_known", "revision", "Revision of the last delivered message batch")
        broadcastRetries = counter("broadcast_retries", "Broadcast puts that failed and were retried after 1 s")
        broadcastDedupes = counter("broadcast_dedupes", "Broadcast retries that found their batch already written")
        missedEvents = counter("messages_missed", "MessagesMissed events: the watch resumed past a compacted revision")
        missedRevisions = counter("messages_missed_revisions", "Revisions skipped by MessagesMissed events")
    }

    /// Counts what a trace entry says: retries, dedupes, missed messages.
    func record(_ entry: EtcdLog) {
        switch entry {
        case .broadcastFailed: broadcastRetries.increment()
        case .broadcastDeduped: broadcastDedupes.increment()
        case .networkEvent(.messagesMissed(let from, let to)):
            missedEvents.increment()
            missedRevisions.increment(by: Int64(max(0, to - from + 1)))
            missed.value.withLock { $0 += 1 }
        default: break
        }
    }

    /// MessagesMissed events since the node started.
    var messagesMissed: Int { missed.value.withLock { $0 } }

    func recordDelivery(appended: Bool) { appended ? delivered.increment() : duplicatesDropped.increment() }
    func recordQueued() { broadcastsQueued.increment() }
    func recordEvent() { events.increment() }

    /// Refreshes the gauges from the component's state.
    func update(from status: NetworkStatus) {
        queueDepth.set(to: Double(status.queueDepth))
        connected.set(to: status.connected ? 1 : 0)
        peers.set(to: Double(status.peers.count))
        lastKnownRevision.set(to: Double(status.lastKnownRevision))
    }

    /// The Prometheus text exposition.
    public func render() -> String { registry.emitToString() }
}

/// The MessagesMissed count, readable (a Prometheus counter is not).
private final class MissedCount: Sendable {
    let value = Mutex(0)
}
