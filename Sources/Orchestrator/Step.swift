/// One step of a plan: an action on a node or the cluster, described without doing it.
public enum Step: Sendable, Hashable {
    /// A node runs and stays as it is.
    case keep(node: String, pid: Int32)
    /// A node is not running and nothing is to be done for it.
    case notRunning(node: String)
    /// A node was stopped with `headnet stop`: `up` leaves it stopped.
    case held(node: String)
    /// Record that `up` is to leave a node stopped (`headnet stop`).
    case hold(node: String)
    /// Forget that record (`headnet start`, `down`).
    case release(node: String)
    /// A node's pid file names a process that is gone or another program: remove the file.
    case removeStalePIDFile(node: String, pid: Int32)
    /// Check that a node's ports are free before anything starts.
    case checkPorts(node: String)
    /// Create the cluster's certificates (TLS on, none yet).
    case createCertificates
    /// Start a node in the background.
    case start(node: String)
    /// Wait until a node's API says it is ready, at most `timeoutSeconds`.
    case waitReady(node: String, timeoutSeconds: Int)
    /// Stop a node gracefully (SIGINT, SIGTERM after 5 s, then SIGKILL); `leader` when its etcd
    /// member led when the plan was made.
    case stop(node: String, pid: Int32, leader: Bool = false)
    /// Stop an etcd whose node process is gone (killed with SIGKILL; SIGTERM, SIGKILL after 5 s).
    case stopEtcd(node: String, pid: Int32)
    /// Delete the cluster's state (etcd data, queues, journals, certificates).
    case purgeState
    /// Hand etcd leadership from `from`'s member to `to`'s before `from` is stopped.
    case moveLeader(from: String, to: String)
    /// Wait until a restarted node has caught up: its `alive-` key is back and it has delivered
    /// up to the newest message as of when the wait began, at most `timeoutSeconds`.
    case waitCaughtUp(node: String, timeoutSeconds: Int)
    /// A step of a member change (``MemberStep``).
    case member(MemberStep)
    /// Issue new leaf certificates for every node and the client from the kept CA, next to the
    /// ones in use, with the revocation list that will revoke those.
    case issueCertificates
    /// Put a node's new certificates in place of its old ones (it is stopped); `nil`: the
    /// client certificate of headnet and the nodes' components.
    case installCertificates(node: String?)
    /// Install the revocation list: etcd refuses the replaced certificates from now on.
    case revokeCertificates
    /// After a purge, write the spec without `initialCluster:` (its new `text`, edited in place
    /// or rewritten whole): no data of the founding members is left, so the next `up` founds
    /// the cluster with every node.
    case forgetFounders(text: String, inPlace: Bool)
    /// Save a snapshot of a node's etcd member into `path` (through `<path>.incoming`, checked
    /// against its sha256 before it replaces anything); `why` says why that member.
    case saveSnapshot(node: String, path: String, why: String)
    /// A snapshot passed its checks (sha256, `etcdctl snapshot status`) before the restore was
    /// planned; reported, nothing to do.
    case snapshotChecked(CheckedSnapshot)
    /// Restore a node's etcd member from the snapshot into its staging directory.
    case restoreMember(RestorePlanner.MemberRestore)
    /// Move a node's staged restore into its etcd data directory.
    case installRestore(RestorePlanner.MemberRestore)
    /// Delete what a failed restore wrote of a node's etcd data.
    case discardRestore(node: String)
    /// Defragment a node's etcd member (blocks it while it runs); fails when the member has no
    /// leader afterwards.
    case defragment(node: String)
    /// The health gate: `headnet health`'s cluster checks must pass (warnings are fine); a
    /// failing report is asked again every second for up to `settleSeconds` (a queue that fills
    /// under load while nodes restart drains again). `label` names it in the report.
    case requireHealthy(settleSeconds: Int, label: String = "health")

    /// The node the step acts on, if it acts on one.
    public var node: String? {
        switch self {
        case .held(let node), .hold(let node), .release(let node): node
        case .keep(let node, _), .notRunning(let node), .removeStalePIDFile(let node, _), .checkPorts(let node), .start(let node),
            .waitReady(let node, _), .stop(let node, _, _), .stopEtcd(let node, _), .moveLeader(let node, _), .waitCaughtUp(let node, _),
            .defragment(let node), .saveSnapshot(let node, _, _), .discardRestore(let node):
            node
        case .restoreMember(let restore), .installRestore(let restore): restore.node
        case .installCertificates(let node): node
        case .createCertificates, .purgeState, .issueCertificates, .revokeCertificates, .requireHealthy, .forgetFounders, .snapshotChecked: nil
        case .member(let step): step.node
        }
    }

    /// A short name for the kind of step, as in JSON reports: `start`, `wait-ready`, …
    public var kind: String {
        switch self {
        case .keep: "keep"
        case .notRunning: "not-running"
        case .held: "held"
        case .hold: "hold"
        case .release: "release"
        case .removeStalePIDFile: "remove-stale-pid-file"
        case .checkPorts: "check-ports"
        case .createCertificates: "create-certificates"
        case .start: "start"
        case .waitReady: "wait-ready"
        case .stop: "stop"
        case .stopEtcd: "stop-etcd"
        case .purgeState: "purge-state"
        case .moveLeader: "move-leader"
        case .waitCaughtUp: "wait-caught-up"
        case .member(let step): step.kind
        case .issueCertificates: "issue-certificates"
        case .installCertificates: "install-certificates"
        case .revokeCertificates: "revoke-certificates"
        case .requireHealthy: "require-healthy"
        case .forgetFounders: "forget-founders"
        case .defragment: "defragment"
        case .saveSnapshot: "save-snapshot"
        case .snapshotChecked: "snapshot-checked"
        case .restoreMember: "restore-member"
        case .installRestore: "install-restore"
        case .discardRestore: "discard-restore"
        }
    }
}
