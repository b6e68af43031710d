import Foundation

/// Renders a ``BenchReport`` as the markdown `headnet bench` prints without `--json`: a
/// description line, the comparison table, then the per-slice throughput and per-node memory.
public enum MarkdownReport {
    /// The whole report.
    public static func render(_ report: BenchReport) -> String {
        let setup = report.setup
        let raw = report.raw
        let headnet = report.headnet
        let saturation = headnet.saturation
        let ratios = report.ratios
        var lines = [
            "headnet bench: \(setup.nodes) nodes (\(setup.ownDevnet ? "own devnet" : setup.spec)), \(count(setup.messages)) messages of "
                + "\(setup.size) bytes, \(setup.senders) senders — \(report.machine.cores) cores, etcd \(report.machine.etcdVersion), "
                + "\(report.machine.build) build, \(number(report.seconds, 1)) s",
            "",
            "| | raw etcd (EtcdClient) | headnet | headnet ÷ raw |",
            "|---|---|---|---|",
            "| throughput (msg/s) | \(count(raw.sequentialPutsPerSecond)) sequential puts | \(count(saturation.deliveredPerSecond)) delivered on every node "
                + "(all nodes sending, \(setup.senders) senders) | \(ratio(ratios.throughput)) |",
            "| throughput, \(raw.inFlight) in flight (msg/s) | \(count(raw.inFlightPutsPerSecond)) puts | | |",
            "| latency p50 / p90 / p99 (ms) | \(percentiles(raw.putToWatchEveryMember)) put→watch on every member | \(percentiles(headnet.lowLoad)) "
                + "broadcast→delivered on every node, low load | \(ratio(ratios.lowLoadP50)) / \(ratio(ratios.lowLoadP99)) (p50 / p99) |",
            "| latency, same member (ms) | \(percentiles(raw.putToWatchSameMember)) put→watch on the put's member | | |",
            "| latency at saturation (ms) | | \(percentiles(saturation.latency)) POST→delivered on every node | |",
            "| etcd revisions per 1,000 messages | 1,000 (one put each) | \(number(headnet.revisionsPerThousandMessages, 1)) | \(ratio(ratios.revisions)) |",
            "| etcd db size | | \(bytes(Int(report.etcdDbSize.beforeBytes))) → \(bytes(Int(report.etcdDbSize.afterBytes))) | |",
        ]
        for node in report.nodeRSS {
            let values = [node.beforeBytes, node.afterFirstSliceBytes, node.endBytes].map { $0.map(bytes) ?? "?" }
            lines.append("| RSS \(node.node) (before → after \(count(setup.sliceSize)) → end) | | \(values.joined(separator: " → ")) | |")
        }
        lines.append("")
        lines.append("throughput per \(count(setup.sliceSize)) delivered (msg/s): "
            + saturation.slices.map { "\(count($0.delivered)): \(count($0.messagesPerSecond))" }.joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `p50 / p90 / p99` with two decimals.
    static func percentiles(_ summary: LatencySummary) -> String {
        "\(number(summary.p50Ms, 2)) / \(number(summary.p90Ms, 2)) / \(number(summary.p99Ms, 2))"
    }

    /// A ratio with two decimals, `–` when undefined.
    static func ratio(_ value: Double?) -> String { value.map { number($0, 2) } ?? "–" }

    /// `value` with `decimals` decimals.
    static func number(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

    /// A whole number with thousands separated by commas: `12,345`.
    static func count(_ value: Double) -> String { count(Int(value.rounded())) }

    /// A whole number with thousands separated by commas: `12,345`.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// Bytes in MiB with one decimal.
    static func bytes(_ value: Int) -> String { "\(number(Double(value) / 1_048_576, 1)) MiB" }
}
