import ClusterSpec

extension Orchestrator {
    /// `headnet member add`: adds `node` — in the runner's spec, whose file's new text is `spec`
    /// (`originalSpec` is its text now) — as a learner promoted once caught up, or as a voting
    /// member (``MemberPlanner/add(_:learner:observation:tls:spec:timeoutSeconds:)``). When a
    /// step fails, what went through is undone (`undoing` is called first): the node stopped,
    /// its member removed, the spec put back, its etcd data deleted.
    ///
    /// - Throws: ``OrchestratorError`` `refused` when the cluster is not in a state to add a
    ///   member; nothing was changed then.
    public func addMember(
        _ node: NodeSpec, learner: Bool, spec: SpecEditor.Edit, originalSpec: String, timeoutSeconds: Int = 60,
        undoing: @Sendable () async -> Void = {}, report: @Sendable (StepReport) async -> Void
    ) async throws(OrchestratorError) -> UndoableOutcome {
        let observation = await runner.observeMembers()
        let plan = try MemberPlanner.add(
            node, learner: learner, observation: observation, tls: runner.spec.tlsEnabled, caKeyKept: runner.control.keepsCAKey, spec: spec,
            timeoutSeconds: timeoutSeconds)
        let completed = CompletedSteps()
        let succeeded = await executor().execute(plan) { step in
            if step.outcome == .ok { await completed.add(step.step) }
            await report(step)
        }
        guard !succeeded else { return UndoableOutcome(plan: plan, succeeded: true) }
        await undoing()
        let process = await runner.observe().nodes.first { $0.name == node.name }
        let undo = MemberPlanner.undoAdd(node.name, completed: await completed.kinds, process: process, originalSpec: originalSpec)
        let undone = await executor().execute(undo, report: report)
        return UndoableOutcome(plan: plan, succeeded: false, undo: undo, undone: undone)
    }

    /// `headnet member remove`: removes the node called `name` from etcd's members, stops it,
    /// writes `spec` (the file's text without it) and deletes its etcd data, moving the
    /// leadership away first when it leads (``MemberPlanner/remove(_:observation:spec:)``).
    /// Stops at the first failed step.
    ///
    /// - Throws: ``OrchestratorError`` `refused` when the removal would cost the quorum or the
    ///   cluster has none; nothing was changed then.
    public func removeMember(_ name: String, spec: SpecEditor.Edit, report: @Sendable (StepReport) async -> Void) async throws(OrchestratorError) -> Outcome {
        let plan = try MemberPlanner.remove(name, observation: await runner.observeMembers(), spec: spec)
        return await outcome(plan, report: report)
    }

    /// `headnet member promote`: waits until the learner of the node called `name` caught up
    /// and promotes it (``MemberPlanner/promote(_:observation:timeoutSeconds:)``).
    ///
    /// - Throws: ``OrchestratorError`` `refused` when it is not a learner or the cluster has no
    ///   quorum.
    public func promoteMember(
        _ name: String, timeoutSeconds: Int = 60, report: @Sendable (StepReport) async -> Void
    ) async throws(OrchestratorError) -> Outcome {
        let plan = try MemberPlanner.promote(name, observation: await runner.observeMembers(), timeoutSeconds: timeoutSeconds)
        return await outcome(plan, report: report)
    }
}

/// The kinds of the steps of a run that succeeded, collected from its step reports.
actor CompletedSteps {
    private(set) var kinds: Set<String> = []

    func add(_ kind: String) { kinds.insert(kind) }
}
