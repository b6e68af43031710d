import HeadnetCore

/// The error of what a drill does to its machine beyond the cluster's roles (the disks it
/// fills). Reading a drill file fails with ``ClusterSpec/SpecError``, the cluster's steps with
/// ``Orchestrator/OrchestratorError``.
public typealias DrillError = ModuleError<DrillErrorCode>

/// What kind of failure a ``DrillError`` is.
public enum DrillErrorCode: String, Sendable {
    /// A node's drill disk could not be mounted, filled or freed.
    case disk
}
