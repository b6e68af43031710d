/// A spec without errors, and what in it is allowed but unwise (``SpecReader/check(path:checkBinaries:)``).
public struct SpecCheck: Sendable, Hashable {
    /// The spec, defaults applied.
    public var spec: ClusterSpec
    /// Warnings, e.g. an even number of nodes; they do not make the spec invalid.
    public var warnings: [SpecIssue]

    /// Creates a result.
    public init(spec: ClusterSpec, warnings: [SpecIssue] = []) {
        self.spec = spec
        self.warnings = warnings
    }
}
