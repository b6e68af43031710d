/// What changed between two reports, for `headnet health --watch`: results whose verdict or
/// evidence differ, new ones, and ones that are gone — keyed by check and subject.
public enum ReportChanges {
    /// One line per change: `bob reachable: ok → FAIL (no answer)`, `+ …`, `- …`.
    public static func lines(from old: HealthReport, to new: HealthReport) -> [String] {
        func key(_ result: CheckResult) -> String { result.subject.map { "\($0) \(result.check)" } ?? result.check }
        func verdict(_ value: Verdict) -> String { value == .ok ? "ok" : value.rawValue.uppercased() }
        let before = Dictionary(old.results.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        let after = Set(new.results.map(key))
        var lines: [String] = []
        for result in new.results {
            guard let previous = before[key(result)] else {
                lines.append("+ \(key(result)): \(verdict(result.verdict)) (\(result.evidence))")
                continue
            }
            if previous.verdict != result.verdict {
                lines.append("\(key(result)): \(verdict(previous.verdict)) → \(verdict(result.verdict)) (\(result.evidence))")
            } else if previous.evidence != result.evidence, result.verdict != .ok {
                lines.append("\(key(result)): \(verdict(result.verdict)), now \(result.evidence)")
            }
        }
        for result in old.results where !after.contains(key(result)) {
            lines.append("- \(key(result))")
        }
        return lines
    }
}
