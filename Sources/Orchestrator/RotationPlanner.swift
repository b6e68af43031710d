/// Plans `headnet certs rotate`: new leaf certificates from the kept CA, rolled out by a rolling
/// restart, the old ones revoked only once no node uses them.
///
/// ```
/// issue-certificates                  new leaves next to the old ones, and the revocation list to install
/// install-certificates (client)       headnet and each node's component use it from their next start
/// per node, followers first, the leader last (as ``RestartPlanner``):
///     [move-leader] stop, install-certificates NODE, start, wait-ready, wait-caught-up
/// revoke-certificates                 etcd refuses the old leaves from now on
/// ```
///
/// Until the last step old and new certificates are signed by the same CA and none is revoked:
/// nodes not restarted yet and restarted ones accept each other. By the last step every
/// connection in use was made after both its ends restarted, with new certificates; etcd
/// reads the revocation list on each connection it accepts, so installing it needs no restart.
/// Each step is a stage of its own: the first failure ends the plan, and nothing is revoked.
public enum RotationPlanner {
    /// The plan for a cluster observed as `observation`, or why it must not run (as for a
    /// rolling restart: a node down, no leader).
    public static func plan(_ observation: ClusterObservation, timeoutSeconds: Int = 60) -> Result<Plan, OrchestratorError> {
        guard observation.certificatesPresent else {
            return .failure(OrchestratorError(.state, "the cluster's certificates are missing; `headnet up` makes them"))
        }
        return RestartPlanner.plan(observation, restarting: observation.nodes.map(\.name), timeoutSeconds: timeoutSeconds).map { restart in
            var stages: [Plan.Stage] = [.init([.issueCertificates]), .init([.installCertificates(node: nil)])]
            for stage in restart.stages {
                stages.append(stage)
                if case .stop(let node, _, _) = stage.steps.first {
                    stages.append(.init([.installCertificates(node: node)]))
                }
            }
            stages.append(.init([.revokeCertificates]))
            return Plan(stages)
        }
    }
}
