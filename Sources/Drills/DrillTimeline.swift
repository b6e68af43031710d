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
        /// Whether `headnet health`'s cluster checks passed then (nil: not asked).
        public var healthy: Bool?

        /// Creates a sample.
        public init(at: Double, delivered: [String: Int], healthy: Bool? = nil) {
            self.at = at
            self.delivered = delivered
            self.healthy = healthy
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

    /// An empty timeline of `nodes`.
    public init(nodes: [String]) {
        self.nodes = nodes
    }

    /// The seconds the timeline covers.
    public var duration: Double {
        max(samples.last?.at ?? 0, accepted.last ?? 0, spans.map { $0.end ?? $0.start }.max() ?? 0)
    }

    /// Seconds from each fault's start until the cluster recovered: the first sample at or
    /// after the fault's end at which every node has delivered every message accepted before
    /// that end and health did not fail. Nil for a fault not recovered from within the run.
    public var recoveries: [Double?] {
        let acceptances = accepted.sorted()
        return spans.map { span in
            let end = span.end ?? span.start
            let target = acceptances.prefix { $0 <= end }.count
            let recovered = samples.first { sample in
                sample.at >= end && sample.healthy != false
                    && nodes.allSatisfy { (sample.delivered[$0] ?? -1) >= target }
            }
            return recovered.map { $0.at - span.start }
        }
    }
}
