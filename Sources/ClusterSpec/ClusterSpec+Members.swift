extension ClusterSpec {
    /// The spec with `node` appended to `nodes`, and `initialCluster` set to the founding members
    /// (every node so far) when it is absent: what `headnet member add` writes. A founder that was
    /// removed may come back under its name and address: it stays a founder (its etcd data
    /// directory is named as before), and `member add` marks it as joining the running cluster.
    ///
    /// - Throws: ``SpecError`` `.invalid` when the name is taken, or when the new spec has
    ///   problems (ports that collide, an address that is not its host's, …), each named.
    public func addingMember(_ node: NodeSpec) throws(SpecError) -> ClusterSpec {
        guard !nodes.contains(where: { $0.name == node.name }) else {
            throw SpecError(.invalid, "a node named '\(node.name)' is already in the spec (nodes: \(nodes.map(\.name).joined(separator: ", ")))")
        }
        var next = self
        next.initialCluster = founders
        next.nodes.append(node)
        let issues = SpecValidator.validate(next, checkBinaries: false)
        guard issues.isEmpty else {
            throw SpecError(.invalid, "node '\(node.name)' does not fit in the spec (\(issues.count) problem\(issues.count == 1 ? "" : "s")):", issues: issues)
        }
        try requireSameTLS(next)
        return next
    }

    /// The spec without the node called `name`, and with `initialCluster` set to the founding
    /// members (every node so far) when it is absent: what `headnet member remove` writes. A
    /// removed founder stays in `initialCluster`.
    ///
    /// - Throws: ``SpecError`` `.invalid` when there is no such node or it is the last one.
    public func removingMember(named name: String) throws(SpecError) -> ClusterSpec {
        guard nodes.contains(where: { $0.name == name }) else {
            throw SpecError(.invalid, "no node named '\(name)' (nodes: \(nodes.map(\.name).joined(separator: ", ")))")
        }
        guard nodes.count > 1 else {
            throw SpecError(.invalid, "'\(name)' is the cluster's only node; a cluster needs one (`headnet down --purge` removes it all)")
        }
        var next = self
        next.initialCluster = founders
        next.nodes.removeAll { $0.name == name }
        try requireSameTLS(next)
        return next
    }

    /// With `tls: auto`, TLS depends on the nodes' addresses: a member change must not switch it
    /// (the running members' peer URLs keep their scheme).
    private func requireSameTLS(_ next: ClusterSpec) throws(SpecError) {
        guard next.tlsEnabled != tlsEnabled else { return }
        throw SpecError(
            .invalid,
            "with `tls: auto` this change would turn TLS \(next.tlsEnabled ? "on" : "off") (it follows the nodes' addresses), "
                + "while the running members keep their \(tlsEnabled ? "https" : "http") peer URLs; set `tls: \(tlsEnabled ? "on" : "off")` in the spec first")
    }
}
