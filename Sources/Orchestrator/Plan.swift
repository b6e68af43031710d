/// What a command will do, as data: stages run one after the other; the steps of a stage run
/// side by side (or in order when the stage says so). A failed step ends the plan after its
/// stage: later stages do not run.
public struct Plan: Sendable, Hashable {
    /// Steps that run together.
    public struct Stage: Sendable, Hashable {
        /// The steps.
        public var steps: [Step]
        /// Whether the steps run side by side (else one after the other).
        public var concurrent: Bool

        /// Creates a stage.
        public init(_ steps: [Step], concurrent: Bool = false) {
            self.steps = steps
            self.concurrent = concurrent
        }
    }

    /// The stages, in order; empty stages are dropped.
    public private(set) var stages: [Stage]

    /// Creates a plan from its stages.
    public init(_ stages: [Stage]) {
        self.stages = stages.filter { !$0.steps.isEmpty }
    }

    /// Every step, in order.
    public var steps: [Step] { stages.flatMap(\.steps) }

    /// Whether the plan changes anything (it has more than `keep`/`notRunning` steps).
    public var changesSomething: Bool {
        steps.contains { step in
            switch step {
            case .keep, .notRunning, .held, .waitReady: false
            default: true
            }
        }
    }
}
