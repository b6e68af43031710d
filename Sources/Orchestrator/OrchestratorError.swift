import ClusterSpec
import HeadNetwork
import HeadnetCore

/// The one error type of the `Orchestrator` module.
public typealias OrchestratorError = ModuleError<OrchestratorErrorCode>

/// What kind of failure an ``OrchestratorError`` is.
public enum OrchestratorErrorCode: String, Sendable {
    /// A node's API refused a request.
    case node
    /// A node's API does not answer.
    case nodeDown
    /// A node's process (or its etcd) is stopped by a signal (SIGSTOP): alive, answering
    /// nothing until SIGCONT.
    case stopped
    /// A node refused a broadcast because its queue is full; nothing was queued.
    case queueFull
    /// A node or etcd of another cluster answered on this cluster's ports.
    case wrongCluster
    /// No node of that name in the spec.
    case unknownNode
    /// A file of the cluster's state could not be read, or is in the way (a restore onto
    /// a node that has data).
    case state
    /// The cluster is not in a state where the change is safe (quorum, health, membership);
    /// nothing was changed.
    case refused
    /// A process of the cluster runs where the operation needs it stopped.
    case running
    /// An etcd member does not answer, has no leader, or refused a maintenance call.
    case etcd
    /// A snapshot file is missing, fails its checks, or `etcdctl` failed on it.
    case snapshot
    /// A program the operation runs (`etcdctl`) cannot be started.
    case tool
    /// The spec asks for what headnet cannot do yet (nodes on remote hosts); nothing was done.
    case unsupported
    /// An `ip` or `tc` command that builds, changes or removes a namespace network failed.
    case network
}

extension ModuleError where Code == OrchestratorErrorCode {
    /// A node (or its etcd, `what`) stopped by a signal: one wording for `status`, `health`,
    /// `up` and every request to its API.
    public static func stopped(_ node: String, pid: Int32, what: String = "") -> OrchestratorError {
        OrchestratorError(.stopped, "\(node)\(what.isEmpty ? "" : "'s \(what)") is stopped (SIGSTOP), not crashed: `kill -CONT \(pid)`")
    }

    /// A broadcast `node` refused with `full`: `alice refused the broadcast: queue full (100 of
    /// 100): <cause>; nothing was queued, try again in 5 s`.
    public static func queueFull(_ node: String, _ full: QueueFull, cluster: String? = nil) -> OrchestratorError {
        OrchestratorError(
            .queueFull,
            "\(node) refused the broadcast: \(full.summary)\(cluster.map { ", \($0)" } ?? ""); nothing was queued, try again in \(full.retryAfterSeconds) s")
    }

    /// Another cluster's etcd answered on `node`'s client port, its members `found` where this
    /// spec expects `expected`: one wording for `status` and the maintenance commands.
    public static func otherCluster(at node: NodeSpec, members found: Set<String>, expected: Set<String>) -> OrchestratorError {
        OrchestratorError(
            .wrongCluster,
            "another cluster's etcd answered at 127.0.0.1:\(node.clientPort): its members are \(found.sorted().joined(separator: ", ")), "
                + "this spec's are \(expected.sorted().joined(separator: ", ")). Two specs use the same ports: "
                + "stop the other cluster or give this one free ports (`headnet init` picks them)")
    }
}
