import ClusterSpec
import EtcdClient

/// The cluster report of `headnet health` and of the gate before restarts: etcd's checks (from
/// one ``ClusterSnapshot``), then each node's (``NodeHealth``). Certificates are not part of it:
/// an expired certificate must not keep `headnet certs rotate` from replacing it.
public enum ClusterHealth {
    /// Reads `spec`'s cluster through the nodes' loopback client URLs with `tls`, and each node
    /// through `read`; `storedRevision` gives a stopped node's last known revision.
    public static func report(
        _ spec: ClusterSpec, tls: EtcdClientConfiguration.TLS?, read: @Sendable (NodeSpec) async -> NodeHealth.Reading,
        storedRevision: @Sendable (NodeSpec) async -> Int64?
    ) async -> HealthReport {
        let snapshot = await EtcdInspector(endpoints: spec.nodes.map(spec.clientURL(of:)), names: spec.nodes.map(\.name), tls: tls).snapshot()
        var readings: [NodeHealth.Reading] = []
        var stored: [String: Int64] = [:]
        for node in spec.nodes {
            let reading = await read(node)
            if case .failure = reading.document { stored[node.name] = await storedRevision(node) }
            readings.append(reading)
        }
        return report(spec, snapshot: snapshot, readings: readings, storedRevisions: stored)
    }

    /// The report for `spec` from what was read: etcd's `snapshot`, a reading per node, and the
    /// last known revisions of the nodes that did not answer.
    public static func report(
        _ spec: ClusterSpec, snapshot: ClusterSnapshot, readings: [NodeHealth.Reading], storedRevisions: [String: Int64]
    ) -> HealthReport {
        let checks = HealthChecks(expectation: .init(members: spec.nodes.map(\.advertise.description), protocolVersion: spec.protocolVersion))
        var results = checks.evaluate(snapshot)
        let retention = Int64(spec.etcd.compactionMode == "revision" ? spec.etcd.compactionRetention : "") ?? 1000
        let rate = NodeHealth.writeRate(readings)
        for reading in readings {
            results += NodeHealth.check(
                reading, storedRevision: storedRevisions[reading.node.name], clusterRevision: snapshot.revision,
                lastMessageRevision: snapshot.lastMessages.map(\.revision).max() ?? 0, revisionsPerSecond: rate,
                horizon: CompactionHorizon(retention: retention), queueCapacity: spec.network.queueCapacity)
        }
        return HealthReport(results: results)
    }

    /// The refusal of an operation gated on `report`: nil when no check fails, else
    /// `` `headnet health` fails 2 checks (node API on bob: …; …) `` naming up to three failing
    /// checks with their evidence.
    public static func failure(_ report: HealthReport) -> String? {
        let failing = report.results.filter { $0.verdict == .fail }
        guard !failing.isEmpty else { return nil }
        let shown = failing.prefix(3).map { "\($0.check)\($0.subject.map { " on \($0)" } ?? ""): \($0.evidence)" }.joined(separator: "; ")
        return "`headnet health` fails \(failing.count) check\(failing.count == 1 ? "" : "s") (\(shown)\(failing.count > 3 ? ", …" : ""))"
    }
}
