import EtcdTesting
import Foundation
import HeadnetCore
import HeadNetwork
import NodeAPIModel
import Logging
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

    static func configuration(cluster: ClusterLabel? = nil) -> NodeConfiguration {
        let network = EtcdNetworkConfiguration(
            persistenceDirectory: URL(fileURLWithPath: "/nonexistent"), listen: Address(hostname: "127.0.0.1", port: 5002), peers: [],
            protocolVersion: 1)
        var configuration = NodeConfiguration(nodeID: "bob", network: network)
        configuration.cluster = cluster
        configuration.version = "1.2.3"
        return configuration
    }

    /// The value of the series `series` (a name, with its labels if any) in `text`.
    static func value(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.dropFirst(series.count + 1)) }
    }

    /// Issue 22: the node names itself and its build, so a scrape needs no relabelling.
    @Test func targetAndBuildInfoNameTheNode() {
        let cluster = ClusterLabel(name: "devnet", identity: "abc", spec: "/x/clusters/devnet.yaml")
        let text = NodeMetrics(configuration: Self.configuration(cluster: cluster), logger: Logger(label: "test")).render()
        #expect(text.contains(#"headnet_target_info{cluster="devnet",node="bob",advertise="127.0.0.1:5002"} 1.0"# + "\n"), "\(text)")
        #expect(text.contains(#"headnet_build_info{version="1.2.3",protocol_version="1"} 1.0"# + "\n"), "\(text)")
        #expect(text.contains("# TYPE headnet_target_info gauge\n"))
        // Without a spec the cluster is empty.
        let bare = NodeMetrics(configuration: Self.configuration(), logger: Logger(label: "test")).render()
        #expect(bare.contains(#"headnet_target_info{cluster="",node="bob",advertise="127.0.0.1:5002"} 1.0"#), "\(bare)")
    }

    /// Issue 22: `process_*` as Prometheus client libraries name them, read at each render.
    @Test func processMetricsAreThoseOfThisProcess() throws {
        let metrics = NodeMetrics(configuration: Self.configuration(), logger: Logger(label: "test"))
        let text = metrics.render()
        let resident = try #require(Self.value("process_resident_memory_bytes", in: text), "\(text)")
        let virtual = try #require(Self.value("process_virtual_memory_bytes", in: text))
        #expect(resident > Double(1 << 20) && virtual >= resident)
        let start = try #require(Self.value("process_start_time_seconds", in: text))
        let now = Date().timeIntervalSince1970
        #expect(start > now - 86400 && start <= now + 1, "started at \(start), now \(now)")
        let open = try #require(Self.value("process_open_fds", in: text))
        let max = try #require(Self.value("process_max_fds", in: text))
        #expect(open > 0 && max >= open)
        #expect(text.contains("# TYPE process_cpu_seconds_total counter\n"), "\(text)")
        let cpu = try #require(Self.value("process_cpu_seconds_total", in: text))
        // Read again at the next render: the counter never goes back.
        let later = try #require(Self.value("process_cpu_seconds_total", in: metrics.render()))
        #expect(later >= cpu && later > 0, "\(cpu) then \(later)")
    }

    /// Issue 22: each certificate's notAfter as Unix seconds; an unreadable one is left out
    /// without failing the render, and goes away when its file does.
    @Test func certificateExpiryPerCertificate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-metrics-pki-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pki = try await TestPKI.generate(in: directory)
        var configuration = Self.configuration()
        configuration.certificates = [
            CertificateFile(name: "ca", path: pki.caFile), CertificateFile(name: "bob-server", path: pki.serverCertFile),
            CertificateFile(name: "client", path: pki.clientCertFile),
            CertificateFile(name: "bob-peer", path: directory.appendingPathComponent("missing.pem").path),
            CertificateFile(name: "not-pem", path: pki.clientKeyFile),
        ]
        let metrics = NodeMetrics(configuration: configuration, logger: Logger(label: "test"))
        let text = metrics.render()
        #expect(text.contains("# HELP headnet_certificate_expiry_seconds When the certificate expires: its notAfter as Unix time in seconds"), "\(text)")
        let now = Date().timeIntervalSince1970
        for name in ["ca", "bob-server", "client"] {
            // TestPKI's certificates are valid for one day.
            let notAfter = try #require(Self.value(#"headnet_certificate_expiry_seconds{certificate="\#(name)"}"#, in: text), "\(name) in \(text)")
            #expect(notAfter > now + 86400 - 600 && notAfter < now + 86400 + 600, "\(name): \(notAfter), now \(now)")
        }
        #expect(!text.contains(#"certificate="bob-peer""#) && !text.contains(#"certificate="not-pem""#), "\(text)")
        try FileManager.default.removeItem(atPath: pki.clientCertFile)
        let after = metrics.render()
        #expect(!after.contains(#"certificate="client""#), "\(after)")
        #expect(after.contains(#"headnet_certificate_expiry_seconds{certificate="ca"}"#))
    }
}
