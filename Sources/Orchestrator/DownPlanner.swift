import ClusterSpec

/// Plans `headnet down` and `headnet stop NODE`: stop running nodes, the leader last.
public enum DownPlanner {
    /// The plan for a cluster observed as `observation`.
    ///
    /// Nodes are found by pid file and by command line (a node started by hand is stopped
    /// too); an etcd left over by a node killed with SIGKILL is stopped on its own. Followers
    /// stop together, then the leader: a leader stopped while its peers stop too spends
    /// etcd's request timeout (7 s) on a leadership transfer to a peer that is going away; a
    /// leader left alone has no one to transfer to and stops at once. `purge` deletes the state
    /// once every node is stopped, then writes `founders` (the spec without `initialCluster:`), if
    /// given. A node stopped with `headnet stop` is forgotten as such: the
    /// next `up` starts every node (as compose's `down` then `up` does).
    public static func plan(_ observation: ClusterObservation, purge: Bool = false, forgettingFounders founders: SpecEditor.Edit? = nil) -> Plan {
        let released = observation.nodes.filter(\.held).map { Step.release(node: $0.name) }
        let forget = purge ? founders.map { [Step.forgetFounders(text: $0.text, inPlace: $0.inPlace)] } ?? [] : []
        return Plan(
            stop(observation.nodes, leader: observation.leader).stages
                + [Plan.Stage(released), Plan.Stage(purge ? [.purgeState] : []), Plan.Stage(forget)])
    }

    /// `headnet stop NODE`: record that `up` is to leave it stopped, then stop it (and an etcd
    /// of it left over).
    public static func stop(_ observation: ClusterObservation, node name: String) -> Plan {
        let nodes = observation.nodes.filter { $0.name == name }
        return Plan([Plan.Stage(nodes.map { .hold(node: $0.name) })] + stop(nodes, leader: observation.leader).stages)
    }

    /// Stops `nodes`: followers together, then the leader's.
    private static func stop(_ nodes: [ClusterObservation.Node], leader leaderName: String?) -> Plan {
        var followers: [Step] = []
        var leader: [Step] = []
        for node in nodes {
            let pids = node.livePIDs
            if case .stale(let pid) = node.process { followers.append(.removeStalePIDFile(node: node.name, pid: pid)) }
            if pids.isEmpty, case .none = node.process { followers.append(.notRunning(node: node.name)) }
            for pid in (node.process.runningPID.map { [$0] } ?? []) + node.unrecorded {
                if node.name == leaderName {
                    leader.append(.stop(node: node.name, pid: pid, leader: true))
                } else {
                    followers.append(.stop(node: node.name, pid: pid))
                }
            }
            if let etcd = node.leftoverEtcd {
                if node.name == leaderName {
                    leader.append(.stopEtcd(node: node.name, pid: etcd))
                } else {
                    followers.append(.stopEtcd(node: node.name, pid: etcd))
                }
            }
        }
        return Plan([Plan.Stage(followers, concurrent: true), Plan.Stage(leader)])
    }
}
