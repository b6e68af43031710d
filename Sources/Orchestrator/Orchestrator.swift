/// The cluster operations the CLI offers, each a plan made from what the runner observes and
/// executed step by step:
///
/// ```swift
/// let orchestrator = Orchestrator(runner: LocalClusterRunner(spec: spec, specPath: path, stateRoot: root))
/// let up = await orchestrator.up { report in print(report.text) }
/// ```
public struct Orchestrator<Runner: ClusterRunner>: Sendable {
    /// A plan and whether it went through.
    public struct Outcome: Sendable, Hashable {
        /// What was planned.
        public var plan: Plan
        /// Whether every step succeeded.
        public var succeeded: Bool
    }

    /// What executes the plans.
    public let runner: Runner

    /// An orchestrator for the cluster `runner` runs.
    public init(runner: Runner) {
        self.runner = runner
    }

    /// `headnet up`: starts what is not running and waits until every node is ready.
    public func up(timeoutSeconds: Int = 60, report: @Sendable (StepReport) async -> Void) async -> Outcome {
        let plan = UpPlanner.plan(await runner.observe(), timeoutSeconds: timeoutSeconds)
        return Outcome(plan: plan, succeeded: await PlanExecutor(runner: runner).execute(plan, report: report))
    }

    /// `headnet down`: stops every node, the leader last; `purge` then deletes the state.
    public func down(purge: Bool = false, report: @Sendable (StepReport) async -> Void) async -> Outcome {
        let plan = DownPlanner.plan(await runner.observe(), purge: purge)
        return Outcome(plan: plan, succeeded: await PlanExecutor(runner: runner).execute(plan, report: report))
    }
}
