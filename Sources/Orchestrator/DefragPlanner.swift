/// Plans `headnet defrag`: one member at a time, the followers first (in spec order), the
/// leader last.
///
/// Defragmenting blocks a member's reads and writes while it rewrites its database, so only
/// one member is defragmented at a time, and only when every member answers and one leads: with
/// a member already down, blocking a second one of three would stop the cluster's writes. The
/// leader goes last so that the cluster keeps its leader while the followers are blocked.
public enum DefragPlanner {
    /// The members in the order to defragment them.
    ///
    /// - Throws: ``OrchestratorError`` `etcd` when a member does not answer or none leads; `spec`
    ///   is the spec argument for the commands the message suggests.
    public static func order(_ readings: [MemberReading], spec: String) throws(OrchestratorError) -> [MemberReading] {
        let silent = readings.filter { !$0.answered }
        guard silent.isEmpty else {
            let why = silent.map { "\($0.node): \($0.error ?? "?")" }.joined(separator: "; ")
            throw OrchestratorError(
                .etcd, "not every etcd member answers (\(why)); defragmenting blocks one member at a time, which with a member down "
                    + "can stop the cluster's writes. Start the cluster with `headnet up -f \(spec)` first; nothing was defragmented")
        }
        guard let leader = readings.first(where: \.leads) else {
            throw OrchestratorError(
                .etcd, "no member leads (quorum lost?); `headnet status -f \(spec)` shows why; nothing was defragmented")
        }
        return readings.filter { $0.node != leader.node } + [leader]
    }

    /// The plan: a stage per member, in ``order(_:spec:)``, so the first failure ends it.
    ///
    /// - Throws: as ``order(_:spec:)``.
    public static func plan(_ readings: [MemberReading], spec: String) throws(OrchestratorError) -> Plan {
        Plan(try order(readings, spec: spec).map { Plan.Stage([.defragment(node: $0.node)]) })
    }
}
