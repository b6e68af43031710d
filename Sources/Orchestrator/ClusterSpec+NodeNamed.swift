import ClusterSpec

extension ClusterSpec {
    /// The node called `name`.
    ///
    /// - Throws: ``OrchestratorError`` `unknownNode`, listing the nodes.
    public func node(named name: String) throws(OrchestratorError) -> NodeSpec {
        guard let node = nodes.first(where: { $0.name == name }) else {
            throw OrchestratorError(.unknownNode, "no node named '\(name)' (nodes: \(nodes.map(\.name).joined(separator: ", ")))")
        }
        return node
    }
}
