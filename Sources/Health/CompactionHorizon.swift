/// The check no etcd tool makes: etcd keeps only the last `retention` revisions (it compacts
/// every 5 minutes), so a node whose delivered revision lags the cluster's by more than that
/// misses messages when it next resumes its watch (`MessagesMissed`).
public struct CompactionHorizon: Sendable, Hashable {
    /// Revisions etcd keeps (the spec's `autoCompaction.retention`, 1000 by default).
    public var retention: Int64

    /// A check against `retention` revisions.
    public init(retention: Int64 = 1000) {
        self.retention = retention
    }

    /// The verdict for `node`, whose last delivered revision is `delivered` while the cluster is
    /// at `current`, writing `revisionsPerSecond` (nil when unknown): warn past half the
    /// retention, fail past it.
    public func check(node: String, delivered: Int64, current: Int64, revisionsPerSecond: Double?) -> CheckResult {
        let lag = max(0, current - delivered)
        var evidence = "delivered revision \(delivered), cluster at \(current): \(lag) behind of \(retention) kept"
        if let rate = revisionsPerSecond, rate > 0, lag < retention {
            evidence += "; at \(Self.format(rate)) revisions/s it misses messages in \(Self.format(Double(retention - lag) / rate)) s"
        }
        if lag > retention {
            return CheckResult(
                check: "compaction horizon", subject: node, verdict: .fail, evidence: evidence,
                hint: "\(node) lags past what etcd keeps: MessagesMissed follows when its watch resumes; restart it (`headnet up`) "
                    + "and replay what it missed from another node's journal, or raise autoCompaction.retention")
        }
        if lag * 2 > retention {
            return CheckResult(
                check: "compaction horizon", subject: node, verdict: .warn, evidence: evidence,
                hint: "\(node) is more than half the retention behind: check that it runs and keeps up (`headnet status`, `headnet logs \(node) --trace`)")
        }
        return CheckResult(check: "compaction horizon", subject: node, verdict: .ok, evidence: evidence)
    }

    static func format(_ value: Double) -> String {
        value >= 10 ? String(Int(value.rounded())) : String((value * 10).rounded() / 10)
    }
}
