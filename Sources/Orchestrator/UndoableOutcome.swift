/// What an operation that undoes itself on failure did (`headnet member add`, `snapshot
/// restore`): its plan, whether it went through, and, when it did not, the plan that undid what
/// it had done and whether that went through.
public struct UndoableOutcome: Sendable, Hashable {
    /// The plan of the operation.
    public var plan: Plan
    /// Whether every step succeeded.
    public var succeeded: Bool
    /// The undo after a failure (nil when the operation went through).
    public var undo: Plan? = nil
    /// Whether every undo step succeeded (nil without an undo).
    public var undone: Bool? = nil
}
