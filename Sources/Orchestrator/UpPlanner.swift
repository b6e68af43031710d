/// Plans `headnet up`: start what is not running and wait until every node is ready.
public enum UpPlanner {
    /// The plan for a cluster observed as `observation`.
    ///
    /// Stale pid files are removed first. When nodes are to be started, their ports are checked
    /// (all of them, before anything starts), certificates are created when missing, the nodes
    /// are started in spec order, and then every node — running before or just started — must
    /// become ready within `timeoutSeconds`.
    public static func plan(_ observation: ClusterObservation, timeoutSeconds: Int = 60) -> Plan {
        var tidy: [Step] = []
        var toStart: [String] = []
        for node in observation.nodes {
            switch node.process {
            case .running(let pid): tidy.append(.keep(node: node.name, pid: pid))
            case .stale(let pid):
                tidy.append(.removeStalePIDFile(node: node.name, pid: pid))
                toStart.append(node.name)
            case .none: toStart.append(node.name)
            }
        }
        return Plan([
            Plan.Stage(tidy),
            Plan.Stage(toStart.map { .checkPorts(node: $0) }),
            Plan.Stage(toStart.isEmpty || observation.certificatesPresent ? [] : [.createCertificates]),
            Plan.Stage(toStart.map { .start(node: $0) }),
            Plan.Stage(observation.nodes.map { .waitReady(node: $0.name, timeoutSeconds: timeoutSeconds) }, concurrent: true),
        ])
    }
}
