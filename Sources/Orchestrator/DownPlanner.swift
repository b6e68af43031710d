/// Plans `headnet down`: stop every running node, the leader last.
public enum DownPlanner {
    /// The plan for a cluster observed as `observation`.
    ///
    /// Nodes are found by pid file and by command line (a node started by hand is stopped
    /// too); an etcd left over by a node killed with SIGKILL is stopped on its own. Followers
    /// stop together, then the leader: a leader stopped while its peers stop too spends
    /// etcd's request timeout (7 s) on a leadership transfer to a peer that is going away; a
    /// leader left alone has no one to transfer to and stops at once. `purge` deletes the state
    /// once every node is stopped.
    public static func plan(_ observation: ClusterObservation, purge: Bool = false) -> Plan {
        var followers: [Step] = []
        var leader: [Step] = []
        for node in observation.nodes {
            let pids = node.livePIDs
            if case .stale(let pid) = node.process { followers.append(.removeStalePIDFile(node: node.name, pid: pid)) }
            if pids.isEmpty, case .none = node.process { followers.append(.notRunning(node: node.name)) }
            for pid in (node.process.runningPID.map { [$0] } ?? []) + node.unrecorded {
                if node.name == observation.leader {
                    leader.append(.stop(node: node.name, pid: pid, leader: true))
                } else {
                    followers.append(.stop(node: node.name, pid: pid))
                }
            }
            if let etcd = node.leftoverEtcd {
                if node.name == observation.leader {
                    leader.append(.stopEtcd(node: node.name, pid: etcd))
                } else {
                    followers.append(.stopEtcd(node: node.name, pid: etcd))
                }
            }
        }
        return Plan([
            Plan.Stage(followers, concurrent: true),
            Plan.Stage(leader),
            Plan.Stage(purge ? [.purgeState] : []),
        ])
    }
}
