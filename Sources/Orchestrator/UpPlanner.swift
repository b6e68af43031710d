/// Plans `headnet up`: start what is not running and wait until every node is ready.
public enum UpPlanner {
    /// The plan for a cluster observed as `observation`.
    ///
    /// A node runs when its pid file or a process found by its command line says so. Stale pid
    /// files are removed first; an etcd that outlived its node (kill -9) is stopped, and the node
    /// is started again. When nodes are to be started, their ports are checked
    /// (all of them, before anything starts), certificates are created when missing, the nodes
    /// are started in spec order, and then every node — running before or just started — must
    /// become ready within `timeoutSeconds`. A node stopped with `headnet stop` stays stopped
    /// (compose's `stop`): it is neither started nor waited for.
    public static func plan(_ observation: ClusterObservation, timeoutSeconds: Int = 60) -> Plan {
        plan(observation, nodes: observation.nodes.filter { !$0.held || $0.runningPID != nil }, timeoutSeconds: timeoutSeconds,
             held: observation.nodes.filter { $0.held && $0.runningPID == nil }.map { .held(node: $0.name) })
    }

    /// `headnet start NODE`: forget that it was stopped with `headnet stop`, then start it as
    /// `up` would (tidy, ports, certificates, start) and wait until it is ready.
    public static func start(_ observation: ClusterObservation, node name: String, timeoutSeconds: Int = 60) -> Plan {
        let node = observation.nodes.filter { $0.name == name }
        let release: [Step] = node.contains(where: \.held) ? [.release(node: name)] : []
        return plan(observation, nodes: node, timeoutSeconds: timeoutSeconds, held: release)
    }

    /// Starts what of `nodes` is not running and waits until each is ready; `first` runs before.
    private static func plan(_ observation: ClusterObservation, nodes: [ClusterObservation.Node], timeoutSeconds: Int, held first: [Step]) -> Plan {
        var tidy = first
        var toStart: [String] = []
        for node in nodes {
            if let pid = node.runningPID {
                tidy.append(.keep(node: node.name, pid: pid))
                continue
            }
            if case .stale(let pid) = node.process { tidy.append(.removeStalePIDFile(node: node.name, pid: pid)) }
            if let etcd = node.leftoverEtcd { tidy.append(.stopEtcd(node: node.name, pid: etcd)) }
            toStart.append(node.name)
        }
        return Plan([
            Plan.Stage(tidy),
            Plan.Stage(toStart.map { .checkPorts(node: $0) }),
            Plan.Stage(toStart.isEmpty || observation.certificatesPresent ? [] : [.createCertificates]),
            Plan.Stage(toStart.map { .start(node: $0) }),
            Plan.Stage(nodes.map { .waitReady(node: $0.name, timeoutSeconds: timeoutSeconds) }, concurrent: true),
        ])
    }
}
