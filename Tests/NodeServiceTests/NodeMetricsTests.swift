import HeadNetwork
import Testing

@testable import NodeService

/// The counters the node derives from its component's trace.
@Suite struct NodeMetricsTests {
    @Test func retriesDedupesAndMissedMessagesAreCounted() {
        let metrics = NodeMetrics()
        metrics.record(.broadcastFailed(reason: "unavailable"))
        metrics.record(.broadcastFailed(reason: "unavailable"))
        metrics.record(.broadcastDeduped(previousModRev: 3, observedModRev: 4))
        metrics.record(.networkEvent(.messagesMissed(from: 10, to: 19)))
        metrics.record(.reconnecting)
        let text = metrics.render()
        #expect(text.contains("headnet_broadcast_retries_total 2"), "\(text)")
        #expect(text.contains("headnet_broadcast_dedupes_total 1"), "\(text)")
        #expect(text.contains("headnet_messages_missed_total 1"), "\(text)")
        #expect(text.contains("headnet_messages_missed_revisions_total 10"), "\(text)")
        #expect(metrics.messagesMissed == 1)
    }
}
