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

    @Test func etcdFiguresBecomeGauges() {
        let metrics = NodeMetrics()
        var status = NetworkStatus()
        var figures = EtcdFigures()
        figures.reachable = true
        figures.hasLeader = true
        figures.leaderChanges = 2
        figures.raftTerm = 4
        figures.raftIndex = 1234
        figures.revision = 77
        figures.dbSizeBytes = 20480
        figures.dbSizeInUseBytes = 16384
        status.etcd = figures
        metrics.update(from: status)
        metrics.update(from: status)  // the same figures again do not count twice
        let text = metrics.render()
        for line in [
            "headnet_etcd_up 1.0", "headnet_etcd_has_leader 1.0", "headnet_etcd_leader_changes_total 2", "headnet_etcd_raft_term 4.0",
            "headnet_etcd_raft_index 1234.0", "headnet_etcd_revision 77.0", "headnet_etcd_db_size_bytes 20480.0",
            "headnet_etcd_db_size_in_use_bytes 16384.0",
        ] {
            #expect(text.contains(line + "\n"), "\(line) in \(text)")
        }
        figures.reachable = false
        figures.hasLeader = false
        status.etcd = figures
        metrics.update(from: status)
        #expect(metrics.render().contains("headnet_etcd_has_leader 0.0\n"))
    }

    @Test func broadcastStagesAreHistograms() {
        let metrics = NodeMetrics()
        metrics.recordQueued(item: 1, arrived: .now)
        metrics.record(.broadcastSent(messages: 1, revision: 30, firstItem: 1))
        metrics.recordOwnDelivery(revision: 30)
        let text = metrics.render()
        #expect(text.contains("headnet_broadcast_queued_to_committed_seconds_count 1\n"), "\(text)")
        #expect(text.contains("headnet_broadcast_committed_to_delivered_seconds_count 1\n"), "\(text)")
        #expect(text.contains(#"headnet_broadcast_queued_to_committed_seconds_bucket{le="10.0"} 1"#), "\(text)")
    }
}
