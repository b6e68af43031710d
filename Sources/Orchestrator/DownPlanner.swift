/// Plans `headnet down`: stop every running node, the leader last.
public enum DownPlanner {
    /// The plan for a cluster observed as `observation`.
    ///
    /// Followers stop together, then the leader: a leader stopped while its peers stop too spends
    /// etcd's request timeout (7 s) on a leadership transfer to a peer that is going away; a
    /// leader left alone has no one to transfer to and stops at once. `purge` deletes the state
    /// once every node is stopped.
    public static func plan(_ observation: ClusterObservation, purge: Bool = false) -> Plan {
        var followers: [Step] = []
        var leader: [Step] = []
        for node in observation.nodes {
            switch node.process {
            case .running(let pid):
                if node.name == observation.leader {
                    leader.append(.stop(node: node.name, pid: pid, leader: true))
                } else {
                    followers.append(.stop(node: node.name, pid: pid))
                }
            case .stale(let pid): followers.append(.removeStalePIDFile(node: node.name, pid: pid))
            case .none: followers.append(.notRunning(node: node.name))
            }
        }
        return Plan([
            Plan.Stage(followers, concurrent: true),
            Plan.Stage(leader),
            Plan.Stage(purge ? [.purgeState] : []),
        ])
    }
}
