/// Plans `headnet restart NODE` and `headnet restart --rolling`: one node at a time, so the
/// cluster never loses more than one member (quorum holds for any cluster of 3 or more);
/// followers first in spec order, the leader last, its leadership handed to a restarted
/// follower first. Per node: stop gracefully, start, wait until it is ready (etcd serves, it is
/// connected, the version matches), then until it caught up (alive key back, delivered up to the
/// newest message). Each step is a stage of its own: the first failure ends the plan.
public enum RestartPlanner {
    /// The plan restarting `names` (every node with `rolling`) of a cluster observed as
    /// `observation`, or why it must not run.
    ///
    /// Refuses when a node is unknown, when any node of the cluster is not running (restarting
    /// another one would leave two down), or when no member leads.
    public static func plan(
        _ observation: ClusterObservation, restarting names: [String], timeoutSeconds: Int = 60
    ) -> Result<Plan, OrchestratorError> {
        for name in names where !observation.nodes.contains(where: { $0.name == name }) {
            return .failure(OrchestratorError(
                .unknownNode, "no node named '\(name)' (nodes: \(observation.nodes.map(\.name).joined(separator: ", ")))"))
        }
        let down = observation.nodes.filter { $0.runningPID == nil }.map(\.name)
        if !down.isEmpty {
            return .failure(OrchestratorError(
                .nodeDown,
                "\(down.joined(separator: ", ")) \(down.count == 1 ? "is" : "are") not running: restarting another node could take quorum away. "
                    + "Start \(down.count == 1 ? "it" : "them") first (`headnet up`), then restart"))
        }
        guard let leader = observation.leader else {
            return .failure(OrchestratorError(
                .nodeDown, "no etcd member leads: the cluster has no quorum, and a restart would not bring it back. Check `headnet health`"))
        }
        let targets = observation.nodes.filter { names.contains($0.name) }
        let ordered = targets.filter { $0.name != leader } + targets.filter { $0.name == leader }
        var stages: [Plan.Stage] = []
        var restarted: [String] = []
        for node in ordered {
            guard let pid = node.runningPID else { continue }
            if node.name == leader, observation.nodes.count > 1 {
                // Hand leadership to a follower that is already back (or any follower).
                let heir = restarted.last ?? observation.nodes.first { $0.name != leader }!.name
                stages.append(.init([.moveLeader(from: leader, to: heir)]))
            }
            stages += [
                .init([.stop(node: node.name, pid: pid)]),
                .init([.start(node: node.name)]),
                .init([.waitReady(node: node.name, timeoutSeconds: timeoutSeconds)]),
                .init([.waitCaughtUp(node: node.name, timeoutSeconds: timeoutSeconds)]),
            ]
            restarted.append(node.name)
        }
        return .success(Plan(stages))
    }
}
