/// What one step of a drill does: a fault, its recovery, a wait, or an operation under load.
/// Each case's YAML key is its ``kind``.
public enum DrillAction: Sendable, Hashable {
    /// Which of a node's processes a signal goes to.
    public enum Process: String, Sendable, Hashable, CaseIterable {
        /// The `headnet node` process (its etcd child keeps running when it is killed with
        /// SIGKILL, as a crashed Hydra node's would).
        case node
        /// The node's etcd member only.
        case etcd
        /// Both.
        case both
    }

    /// A signal a drill sends, by its name without `SIG`.
    public enum Signal: String, Sendable, Hashable, CaseIterable {
        /// SIGKILL: a crash.
        case kill = "KILL"
        /// SIGTERM: a graceful stop.
        case term = "TERM"
        /// SIGINT: a graceful stop, as Ctrl-C.
        case int = "INT"
        /// SIGQUIT: Go's crash with stacks (etcd's tester uses it before removing a member).
        case quit = "QUIT"
    }

    /// Wait this many seconds (the load keeps running).
    case wait(seconds: Double)
    /// Send `signal` to the nodes' `process`.
    case kill(NodeSelector, signal: Signal, process: Process)
    /// Start nodes that are not running (the recovery of `kill`).
    case start(NodeSelector)
    /// SIGSTOP the nodes' `process`.
    case pause(NodeSelector, process: Process)
    /// SIGCONT the nodes' `process` (the recovery of `pause`).
    case resume(NodeSelector, process: Process)
    /// Kill the nodes, remove their etcd members and delete their etcd data.
    case removeMember(NodeSelector)
    /// Add removed nodes back as new, empty members and start them.
    case addMember(NodeSelector)
    /// Drop every packet between the nodes and their peers (etcd's `BLACKHOLE_PEER_PORT_TX_RX`).
    case partition(NodeSelector)
    /// Delay the nodes' outgoing packets by `milliseconds` ± `jitterMilliseconds` (`tc netem`).
    case delay(NodeSelector, milliseconds: Int, jitterMilliseconds: Int)
    /// Drop `percent` of the nodes' outgoing packets (`tc netem loss`).
    case loss(NodeSelector, percent: Double)
    /// Send `percent` of the nodes' packets at once and delay the rest by `milliseconds`
    /// (`tc netem reorder`).
    case reorder(NodeSelector, percent: Double, milliseconds: Int)
    /// Take every network fault off the nodes (the recovery of partition, delay, loss, reorder).
    case heal(NodeSelector)
    /// Restart the nodes one at a time (stop gracefully, start, wait until ready).
    case restart(NodeSelector)
    /// `headnet restart --rolling`: health-gated, followers first, the leader last.
    case rollingRestart
    /// Revoke the lease of the nodes' `alive-` keys: their peers see them go and come back.
    case revokeLease(NodeSelector)
    /// Compact etcd to its current revision (a node that is down misses what it had not read).
    case compact
    /// Delete the nodes' `last-known-revision` file (they must be stopped).
    case deleteRevisionFile(NodeSelector)
    /// Fill the disk under the nodes' state directories (a small tmpfs; needs root).
    case fillDisk(NodeSelector)
    /// Free what `fill-disk` took (its recovery).
    case freeDisk(NodeSelector)
    /// Send a burst of `frames` HTTP/2 SETTINGS frames on a connection to the nodes' etcd.
    case settingsBurst(NodeSelector, frames: Int)

    /// The step's YAML key: `wait`, `kill`, `remove-member`, …
    public var kind: String {
        switch self {
        case .wait: "wait"
        case .kill: "kill"
        case .start: "start"
        case .pause: "pause"
        case .resume: "resume"
        case .removeMember: "remove-member"
        case .addMember: "add-member"
        case .partition: "partition"
        case .delay: "delay"
        case .loss: "loss"
        case .reorder: "reorder"
        case .heal: "heal"
        case .restart: "restart"
        case .rollingRestart: "rolling-restart"
        case .revokeLease: "revoke-lease"
        case .compact: "compact"
        case .deleteRevisionFile: "delete-revision-file"
        case .fillDisk: "fill-disk"
        case .freeDisk: "free-disk"
        case .settingsBurst: "settings-burst"
        }
    }

    /// Every step kind a drill file may use.
    public static let kinds = [
        "wait", "kill", "start", "pause", "resume", "remove-member", "add-member", "partition", "delay", "loss", "reorder", "heal",
        "restart", "rolling-restart", "revoke-lease", "compact", "delete-revision-file", "fill-disk", "free-disk", "settings-burst",
    ]

    /// The nodes the step acts on, if it acts on nodes.
    public var selector: NodeSelector? {
        switch self {
        case .wait, .rollingRestart, .compact: nil
        case .kill(let nodes, _, _), .pause(let nodes, _), .resume(let nodes, _), .delay(let nodes, _, _), .loss(let nodes, _),
            .reorder(let nodes, _, _):
            nodes
        case .start(let nodes), .removeMember(let nodes), .addMember(let nodes), .partition(let nodes), .heal(let nodes),
            .restart(let nodes), .revokeLease(let nodes), .deleteRevisionFile(let nodes), .fillDisk(let nodes), .freeDisk(let nodes),
            .settingsBurst(let nodes, _):
            nodes
        }
    }

    /// Whether the step injects a fault (its recovery time is measured from here).
    public var isFault: Bool {
        switch self {
        case .kill, .pause, .removeMember, .partition, .delay, .loss, .reorder, .revokeLease, .compact, .deleteRevisionFile,
            .fillDisk, .settingsBurst, .restart, .rollingRestart:
            true
        case .wait, .start, .resume, .addMember, .heal, .freeDisk:
            false
        }
    }

    /// Whether the step fills or frees a node's disk (a tmpfs of its own: root).
    public var needsDisks: Bool {
        switch self {
        case .fillDisk, .freeDisk: true
        default: false
        }
    }

    /// Whether the step runs on network namespaces, one per node (``DrillNetwork``).
    public var needsNetworkNamespaces: Bool {
        switch self {
        case .partition, .delay, .loss, .reorder, .heal: true
        default: false
        }
    }
}
