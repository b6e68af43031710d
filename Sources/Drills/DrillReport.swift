/// The outcome of one drill run: what each step did, the load, the invariant checker's
/// findings, etcd's hashes, the recovery times and the timeline — printed as a table,
/// written as JSON (`--report`) and drawn (`--plot`).
public struct DrillReport: Sendable, Hashable, Codable {
    /// What one step did.
    public struct StepResult: Sendable, Hashable, Codable {
        /// The step's YAML path, `steps[2]`.
        public var path: String
        /// Its kind, `kill`.
        public var kind: String
        /// The nodes it acted on.
        public var nodes: [String]
        /// Seconds since the start of the load when it began and ended.
        public var start: Double, end: Double
        /// Whether it did what it says.
        public var ok: Bool
        /// What happened, e.g. `SIGKILL to bob's node (pid 4242)`.
        public var message: String

        /// Creates a step result.
        public init(path: String, kind: String, nodes: [String] = [], start: Double, end: Double, ok: Bool, message: String) {
            self.path = path
            self.kind = kind
            self.nodes = nodes
            self.start = start
            self.end = end
            self.ok = ok
            self.message = message
        }
    }

    /// The drill's name.
    public var drill: String
    /// The seed of its random picks (`--seed` replays them).
    public var seed: UInt64
    /// The steps, in order.
    public var steps: [StepResult] = []
    /// What the checker found.
    public var invariants = InvariantReport()
    /// Each member's HashKV at ``hashRevision``.
    public var hashes: [ClusterEtcd.MemberHash] = []
    /// The revision the hashes were taken at.
    public var hashRevision: Int64?
    /// What happened over time.
    public var timeline: DrillTimeline
    /// Every expectation that failed, and every step that failed; empty when the drill passed.
    public var failures: [String] = []
    /// Each fault's recovery (``DrillTimeline/recoveryDetails``), set by ``judge(_:)``.
    public var recoveries: [DrillTimeline.Recovery] = []

    /// A report to fill in.
    public init(drill: String, seed: UInt64, nodes: [String]) {
        self.drill = drill
        self.seed = seed
        self.timeline = DrillTimeline(nodes: nodes)
    }

    /// Whether the drill passed.
    public var passed: Bool { failures.isEmpty }

    /// Decides ``failures`` from the findings and `expectations`.
    public mutating func judge(_ expectations: Drill.Expectations) {
        recoveries = timeline.recoveryDetails
        failures = steps.filter { !$0.ok }.map { "\($0.path) (\($0.kind)) failed: \($0.message)" }
        failures += invariants.failures(expectations)
        if expectations.hashesAgree {
            if hashes.isEmpty {
                failures.append("no member answered HashKV")
            } else if let problem = ClusterEtcd.disagreement(hashes) {
                failures.append(problem)
            }
        }
        if let limit = expectations.recoveredWithin {
            for (span, recovery) in zip(timeline.spans, recoveries.map(\.seconds)) {
                guard let recovery else {
                    failures.append("\(span.label): the cluster did not recover before the drill ended")
                    continue
                }
                if recovery > limit { failures.append("\(span.label): recovered after \(Self.seconds(recovery)), over the \(Self.seconds(limit)) allowed") }
            }
        }
    }

    /// The report as the terminal shows it: the steps, the load, the checks per node, the
    /// recovery times, and the verdict.
    public var table: String {
        var lines = ["drill \(drill) (seed \(seed))", "", "  time      step                     result"]
        for step in steps {
            let time = String(format: "%7.1fs", step.start)
            let name = "\(step.kind)\(step.nodes.isEmpty ? "" : " " + step.nodes.joined(separator: ","))"
            lines.append("  \(time)  \(name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(step.ok ? "✓" : "✗") \(step.message)")
        }
        let load = invariants
        let retried = load.retried == 0 ? "" : " (\(load.retried) after a lost answer, \(load.replayed) of them replayed by the node)"
        lines += ["", "  load: \(load.accepted) accepted\(retried), \(load.refused) refused, \(load.uncertain) uncertain", "",
                  "  node        delivered  lost  missed  dup  order  unsent"]
        for node in load.nodes {
            let cells = [node.delivered, node.lost.count, node.missed.count, node.duplicated.count, node.outOfOrder.count, node.neverSent.count]
            let widths = [9, 6, 8, 5, 7, 8]
            lines.append("  " + node.node.padding(toLength: 10, withPad: " ", startingAt: 0)
                + zip(cells, widths).map { cell, width in String(repeating: " ", count: max(0, width - String(cell).count)) + String(cell) }.joined())
        }
        if !hashes.isEmpty {
            let agreed = ClusterEtcd.disagreement(hashes) == nil ? hashes.first?.hash : nil
            lines += ["", "  etcd HashKV at revision \(hashRevision.map(String.init) ?? "?"): "
                + (agreed.map { "equal on \(hashes.count) members (\(String($0, radix: 16)))" } ?? "DIFFER")]
        }
        if !timeline.spans.isEmpty {
            lines += ["", "  fault                              recovered after"]
            for (span, recovery) in zip(timeline.spans, timeline.recoveryDetails) {
                var text = recovery.seconds.map(Self.seconds) ?? "not recovered"
                if !timeline.health.isEmpty {
                    let parts = [("delivering", recovery.delivering), ("healthy", recovery.healthy)].map { "\($0) \($1.map(Self.seconds) ?? "never")" }
                    text += " (" + parts.joined(separator: ", ") + ")"
                }
                lines.append("  " + span.label.padding(toLength: 34, withPad: " ", startingAt: 0) + " " + text)
            }
        }
        lines.append("")
        lines += passed ? ["PASSED"] : ["FAILED"] + failures.map { "  ✗ \($0)" }
        return lines.joined(separator: "\n")
    }

    static func seconds(_ value: Double) -> String { String(format: "%.1f s", value) }
}
