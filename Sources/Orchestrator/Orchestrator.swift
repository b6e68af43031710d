import ClusterSpec
import HeadnetCore

/// The cluster operations the CLI offers, each a plan made from what the runner observes and
/// executed step by step:
///
/// ```swift
/// let orchestrator = Orchestrator(runner: LocalClusterRunner(spec: spec, specPath: path, stateRoot: root).roles)
/// let up = await orchestrator.up { report in print(report.text) }
/// ```
public struct Orchestrator: Sendable {
    /// A plan and whether it went through.
    public struct Outcome: Sendable, Hashable {
        /// What was planned.
        public var plan: Plan
        /// How its run ended.
        public var end: PlanExecutor.End

        /// Whether every step succeeded.
        public var succeeded: Bool { end == .completed }
        /// The step that failed, if one did.
        public var failedStep: Step? {
            if case .failed(let step) = end { step } else { nil }
        }
    }

    /// Runs `plan` on this orchestrator's executor.
    func outcome(_ plan: Plan, report: @Sendable (StepReport) async -> Void) async -> Outcome {
        Outcome(plan: plan, end: await executor().run(plan, report: report))
    }

    /// What executes the plans.
    public let runner: ClusterRunner
    /// The clock the plans' waits run on (a test gives a ``HeadnetCore/SteppingClock``).
    public var clock = AnyClock(ContinuousClock())

    /// An orchestrator for the cluster `runner` runs.
    public init(runner: ClusterRunner) {
        self.runner = runner
    }

    /// The executor of this orchestrator's plans, on its clock.
    func executor(_ interruption: Interruption? = nil) -> PlanExecutor {
        var executor = PlanExecutor(runner: runner, interruption: interruption)
        executor.clock = clock
        return executor
    }

    /// `headnet up`: starts what is not running and waits until every node is ready. When that
    /// fails or is interrupted, the nodes this run started are stopped again (`rollback`,
    /// called first) unless `retain` is set.
    public func up(
        timeoutSeconds: Int = 60, retain: Bool = false, interruption: Interruption? = nil, rollback: @Sendable () async -> Void = {},
        report: @Sendable (StepReport) async -> Void
    ) async -> Outcome {
        await start(UpPlanner.plan(await runner.observe(), timeoutSeconds: timeoutSeconds), retain: retain, interruption: interruption, rollback: rollback, report: report)
    }

    /// `headnet start NODE`: forgets that the node was stopped with `headnet stop`, starts it
    /// unless it runs, and waits until it is ready; rolls back as ``up(timeoutSeconds:retain:interruption:rollback:report:)``.
    public func start(
        _ name: String, timeoutSeconds: Int = 60, retain: Bool = false, interruption: Interruption? = nil,
        rollback: @Sendable () async -> Void = {}, report: @Sendable (StepReport) async -> Void
    ) async -> Result<Outcome, OrchestratorError> {
        do { _ = try runner.spec.node(named: name) } catch { return .failure(error) }
        let plan = UpPlanner.start(await runner.observe(), node: name, timeoutSeconds: timeoutSeconds)
        return .success(await start(plan, retain: retain, interruption: interruption, rollback: rollback, report: report))
    }

    /// `headnet stop NODE`: stops the node (the etcd member with it) and records that `up`
    /// leaves it stopped.
    public func stop(_ name: String, report: @Sendable (StepReport) async -> Void) async -> Result<Outcome, OrchestratorError> {
        do { _ = try runner.spec.node(named: name) } catch { return .failure(error) }
        let plan = DownPlanner.stop(await runner.observe(), node: name)
        return .success(await outcome(plan, report: report))
    }

    /// Runs an `up`-like plan; when it fails, stops the nodes it started unless `retain`.
    private func start(
        _ plan: Plan, retain: Bool, interruption: Interruption?, rollback: @Sendable () async -> Void, report: @Sendable (StepReport) async -> Void
    ) async -> Outcome {
        let started = StartedNodes()
        let end = await executor(interruption).run(plan) { step in
            if step.step == Step.start(node: "").kind, step.outcome == .ok, let node = step.node { await started.add(node) }
            await report(step)
        }
        let names = await started.names
        if end != .completed, !retain, !names.isEmpty {
            await rollback()
            let observation = await runner.observe()
            let stops = observation.nodes.filter { names.contains($0.name) }.flatMap { node in
                ((node.process.runningPID.map { [$0] } ?? []) + node.unrecorded).map { Step.stop(node: node.name, pid: $0) }
                    + (node.leftoverEtcd.map { [Step.stopEtcd(node: node.name, pid: $0)] } ?? [])
            }
            _ = await executor().execute(Plan([Plan.Stage(stops, concurrent: true)]), report: report)
        }
        return Outcome(plan: plan, end: end)
    }

    /// `headnet restart`: once the health gate passes (a failing check gets `settleSeconds` to
    /// clear: a node's API slow to answer under load), restarts `names` one at a time,
    /// followers first, the leader last (``RestartPlanner``); the first failed step ends the
    /// run. Returns the refusal — the gate's evidence, or why the cluster is not in a state to
    /// restart safely — when nothing was done.
    public func restart(
        _ names: [String], timeoutSeconds: Int = 60, settleSeconds: Int = 5, report: @Sendable (StepReport) async -> Void
    ) async -> Result<Outcome, OrchestratorError> {
        if let refusal = await requireHealthy(
            settleSeconds: settleSeconds, advice: "Fix that first; a restart now could take quorum away or lose a node's catch-up", report: report)
        {
            return .failure(refusal)
        }
        switch RestartPlanner.plan(await runner.observe(), restarting: names, timeoutSeconds: timeoutSeconds) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let plan): return .success(await outcome(plan, report: report))
        }
    }

    /// `headnet certs rotate`: once the health gate passes, new leaf certificates for every
    /// node and the client, rolled out by a rolling restart, the old ones revoked at the end
    /// (``RotationPlanner``); the first failed step ends the run with nothing revoked. Returns
    /// the refusal — the gate's evidence, or why the cluster is not in a state to restart
    /// safely — when nothing was done.
    public func rotateCertificates(
        timeoutSeconds: Int = 60, report: @Sendable (StepReport) async -> Void
    ) async -> Result<Outcome, OrchestratorError> {
        if let refusal = await requireHealthy(advice: "Fix that first; the rotation restarts every node, one at a time", report: report) {
            return .failure(refusal)
        }
        switch RotationPlanner.plan(await runner.observe(), timeoutSeconds: timeoutSeconds) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let plan): return .success(await outcome(plan, report: report))
        }
    }

    /// The health gate as a plan of its own (``Step/requireHealthy(settleSeconds:label:)``),
    /// reported like any step: nil when it passes, else the refusal (`refused`) naming the
    /// failing checks with their evidence, then `advice`.
    public func requireHealthy(
        settleSeconds: Int = 0, label: String = "health", advice: String, report: @Sendable (StepReport) async -> Void
    ) async -> OrchestratorError? {
        let failure = LockedValue<String?>(nil)
        let plan = Plan([.init([.requireHealthy(settleSeconds: settleSeconds, label: label)])])
        let passed = await executor().execute(plan) { step in
            if step.outcome == .failed { failure.withLock { $0 = step.message } }
            await report(step)
        }
        guard !passed else { return nil }
        return OrchestratorError(.refused, "\(failure.value ?? "the health gate failed"). \(advice)")
    }

    /// `headnet down`: stops every node, the leader last; `purge` then deletes the state and
    /// writes `founders`, the spec's text without `initialCluster:` (nil: nothing to forget).
    public func down(
        purge: Bool = false, forgettingFounders founders: SpecEditor.Edit? = nil, report: @Sendable (StepReport) async -> Void
    ) async -> Outcome {
        let plan = DownPlanner.plan(await runner.observe(), purge: purge, forgettingFounders: founders)
        return await outcome(plan, report: report)
    }
}

/// The nodes an `up` run started, collected from its step reports.
actor StartedNodes {
    private(set) var names: Set<String> = []

    func add(_ name: String) { names.insert(name) }
}
