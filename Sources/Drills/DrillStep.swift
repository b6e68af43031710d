/// One step of a drill file, with where it stands in the file.
public struct DrillStep: Sendable, Hashable {
    /// What it does.
    public var action: DrillAction
    /// Its YAML path, `steps[3]`.
    public var path: String
    /// Its line in the file, when known.
    public var line: Int?

    /// Creates a step.
    public init(_ action: DrillAction, path: String = "", line: Int? = nil) {
        self.action = action
        self.path = path
        self.line = line
    }
}
