/// Decides which member `headnet snapshot save` takes its snapshot from: the leader, or the
/// member asked for with `--node`.
public enum SnapshotPlanner {
    /// The member to snapshot and why it was picked.
    public struct Source: Sendable, Hashable {
        /// The member as read before the snapshot.
        public var member: MemberReading
        /// Why this one, for the output: `the leader`, `as asked; a follower`, …
        public var why: String
    }

    /// Picks the member from `readings` (every node of the spec, in spec order).
    ///
    /// Without `node`, the leader: its data is the newest the cluster committed. A named member
    /// must answer; one without a leader is taken anyway (after losing quorum its data may be
    /// the best there is) and said to be so.
    ///
    /// - Throws: ``OrchestratorError`` `unknownNode` for a name not in `readings`; `etcd` when the
    ///   named member does not answer, when no member answers, or when none leads. `spec` is the
    ///   spec argument for the commands the message suggests.
    public static func source(_ readings: [MemberReading], node: String? = nil, spec: String) throws(OrchestratorError) -> Source {
        if let node {
            guard let member = readings.first(where: { $0.node == node }) else {
                throw OrchestratorError(.unknownNode, "no node named '\(node)' (nodes: \(readings.map(\.node).joined(separator: ", ")))")
            }
            guard let error = member.error else {
                let why = member.leads ? "the leader" : member.hasLeader ? "a follower, as asked" : "as asked; it has NO LEADER, so its data may be behind the cluster's"
                return Source(member: member, why: why)
            }
            throw OrchestratorError(
                .etcd, "\(node)'s etcd does not answer (\(error)); start it with `headnet up -f \(spec)`, or leave out --node to take the leader's snapshot")
        }
        if let leader = readings.first(where: { $0.answered && $0.leads }) {
            return Source(member: leader, why: "the leader")
        }
        let answering = readings.filter(\.answered)
        guard answering.isEmpty else {
            throw OrchestratorError(
                .etcd, "no member leads (\(answering.map(\.node).joined(separator: ", ")) answer without a leader: quorum lost?); "
                    + "name one with --node to save its data anyway, or bring the others back with `headnet up -f \(spec)`")
        }
        let first = readings.first.map { "; \($0.node): \($0.error ?? "?")" } ?? ""
        throw OrchestratorError(
            .etcd, "no etcd member of the cluster answers (\(readings.map(\.node).joined(separator: ", "))\(first)); start the cluster with `headnet up -f \(spec)`")
    }
}
