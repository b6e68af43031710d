/// Which cluster a node belongs to, as `/status` reports it.
public struct ClusterLabel: Sendable, Codable, Hashable {
    /// The cluster's name.
    public var name: String
    /// The spec's identity (a hash of the name and the initial cluster).
    public var identity: String
    /// The spec file the node was started with (absolute).
    public var spec: String

    /// Creates a label.
    public init(name: String, identity: String, spec: String) {
        self.name = name
        self.identity = identity
        self.spec = spec
    }
}
