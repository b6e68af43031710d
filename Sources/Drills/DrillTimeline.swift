/// What happened over a drill's run, for the plot and the report: the faults as spans, the
/// load's acceptances, and each node's delivered count sampled over time. Seconds count from
/// the start of the load.
public struct DrillTimeline: Sendable, Hashable, Codable {
    /// A fault, from its step until its recovery step (or its own end).
    public struct Span: Sendable, Hashable, Codable {
        /// What it was, e.g. `kill follower (bob)`.
        public var label: String
        /// When the fault began.
        public var start: Double
        /// When it was recovered from (its recovery step ended), nil while it lasts.
        public var end: Double?

        /// Creates a span.
        public init(label: String, start: Double, end: Double? = nil) {
            self.label = label
            self.start = start
            self.end = end
        }
    }

    /// Every node's delivered count at one moment.
    public struct Sample: Sendable, Hashable, Codable {
        /// Seconds since the start.
        public var at: Double
        /// Messages each node had delivered (a node that did not answer is left out).
        public var delivered: [String: Int]

        /// Creates a sample.
        public init(at: Double, delivered: [String: Int]) {
            self.at = at
            self.delivered = delivered
        }
    }

    /// One run of `headnet health`'s cluster checks.
    public struct HealthCheck: Sendable, Hashable, Codable {
        /// Seconds since the start at which it began.
        public var at: Double
        /// Whether no check failed.
        public var passed: Bool
        /// The first failing checks, with their evidence.
        public var failing: [String]

        /// Creates a record of one health run.
        public init(at: Double, passed: Bool, failing: [String] = []) {
            self.at = at
            self.passed = passed
            self.failing = failing
        }
    }

    /// When a fault was recovered from, in seconds since its start: every node delivering
    /// everything accepted before the fault ended, and health passing again.
    public struct Recovery: Sendable, Hashable, Codable {
        /// The fault's span label.
        public var fault: String
        /// Until every node had delivered what was accepted before the fault ended.
        public var delivering: Double?
        /// Until health passed again (nil: it did not, or was not checked).
        public var healthy: Double?
        /// The later of the two — or `delivering` alone when health was not checked: the
        /// recovery time (nil: not recovered within the run).
        public var seconds: Double?

        /// A recovery from `fault`; `healthChecked` whether health was checked at all.
        public init(fault: String, delivering: Double?, healthy: Double?, healthChecked: Bool) {
            self.fault = fault
            self.delivering = delivering
            self.healthy = healthy
            seconds = delivering.flatMap { delivering in healthChecked ? healthy.map { max(delivering, $0) } : delivering }
        }
    }

    /// The nodes, in spec order.
    public var nodes: [String]
    /// The faults.
    public var spans: [Span] = []
    /// When each accepted message was accepted.
    public var accepted: [Double] = []
    /// The samples, in time order.
    public var samples: [Sample] = []
    /// The health runs, in time order.
    public var health: [HealthCheck] = []

    /// An empty timeline of `nodes`.
    public init(nodes: [String]) {
        self.nodes = nodes
    }

    /// The seconds the timeline covers.
    public var duration: Double {
        max(samples.last?.at ?? 0, accepted.last ?? 0, health.last?.at ?? 0, spans.map { $0.end ?? $0.start }.max() ?? 0)
    }

    /// Seconds from each fault's start until the cluster recovered (``Recovery/seconds``); nil
    /// for a fault not recovered from within the run.
    public var recoveries: [Double?] { recoveryDetails.map(\.seconds) }

    /// Each fault's recovery: the first sample at or after the fault's end at which every node
    /// has delivered every message accepted before that end, and the first passing health run
    /// at or after it.
    public var recoveryDetails: [Recovery] {
        let acceptances = accepted.sorted()
        return spans.map { span in
            let end = span.end ?? span.start
            let target = acceptances.prefix { $0 <= end }.count
            let delivering = samples.first { sample in
                sample.at >= end && nodes.allSatisfy { (sample.delivered[$0] ?? -1) >= target }
            }
            let healthy = health.first { $0.at >= end && $0.passed }
            return Recovery(
                fault: span.label, delivering: delivering.map { $0.at - span.start }, healthy: healthy.map { $0.at - span.start },
                healthChecked: !health.isEmpty)
        }
    }
}
