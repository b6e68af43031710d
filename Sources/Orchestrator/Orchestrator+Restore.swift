extension Orchestrator {
    /// `headnet snapshot restore`, once the snapshot is checked and the restore planned
    /// (``RestorePlanner``): stages every node's restore, then moves each into place; when a
    /// step fails, what the restore wrote is deleted on every node (``RestorePlanner/undo(_:)``),
    /// so no node is left half restored.
    public func restore(
        _ restores: [RestorePlanner.MemberRestore], snapshot: CheckedSnapshot, report: @Sendable (StepReport) async -> Void
    ) async -> UndoableOutcome {
        let plan = RestorePlanner.steps(restores, snapshot: snapshot)
        guard !(await executor().execute(plan, report: report)) else { return UndoableOutcome(plan: plan, succeeded: true) }
        let undo = RestorePlanner.undo(restores)
        return UndoableOutcome(plan: plan, succeeded: false, undo: undo, undone: await executor().execute(undo, report: report))
    }
}
