/// How a check came out. Ordered: `ok` < `warn` < `fail`; a report's verdict is its worst.
public enum Verdict: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    /// Nothing to do.
    case ok
    /// Works now, needs attention (exit status stays 0).
    case warn
    /// Broken, or about to lose messages (exit status 1).
    case fail

    private var rank: Int {
        switch self {
        case .ok: 0
        case .warn: 1
        case .fail: 2
        }
    }

    /// `ok` < `warn` < `fail`.
    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rank < rhs.rank }
}

/// One check's outcome: what was checked (and on which member or node), the verdict, the
/// evidence it rests on and, unless all is well, what to do.
public struct CheckResult: Sendable, Hashable, Codable {
    /// The check's name, e.g. `has leader`.
    public var check: String
    /// The member, node or endpoint it is about; nil for the whole cluster.
    public var subject: String?
    /// How it came out.
    public var verdict: Verdict
    /// What was seen, e.g. `leader 8e9e05c52164694d, term 3`.
    public var evidence: String
    /// What to do about it; empty when the verdict is ok.
    public var hint: String

    /// Creates a result.
    public init(check: String, subject: String? = nil, verdict: Verdict, evidence: String, hint: String = "") {
        self.check = check
        self.subject = subject
        self.verdict = verdict
        self.evidence = evidence
        self.hint = hint
    }
}

/// Every check's result and the verdict over them: the worst one.
public struct HealthReport: Sendable, Hashable, Codable {
    /// The results, in the order the checks ran.
    public var results: [CheckResult]

    /// A report of `results`.
    public init(results: [CheckResult]) {
        self.results = results
    }

    /// The worst verdict (ok when there are no results).
    public var verdict: Verdict { results.map(\.verdict).max() ?? .ok }

    /// 0 unless a check failed (a warning alone is 0).
    public var exitCode: Int32 { verdict == .fail ? 1 : 0 }
}
