import ClusterSpec
import Processes

/// What a runner saw of a cluster: each node's process, and who leads. Plans are made from it.
public struct ClusterObservation: Sendable, Hashable {
    /// One node as seen.
    public struct Node: Sendable, Hashable {
        /// Its name.
        public var name: String
        /// Its pid file, checked against the running process.
        public var process: PIDFile.State
        /// Node processes found by their command line that the pid file does not name (started
        /// by hand, or the pid file was lost).
        public var unrecorded: [Int32]
        /// An etcd of this node that runs while no node process of it does: left over after the
        /// node was killed with SIGKILL.
        public var leftoverEtcd: Int32?
        /// Whether the node was stopped with `headnet stop`, so that `up` leaves it stopped.
        public var held: Bool

        /// Creates an observation.
        public init(name: String, process: PIDFile.State, unrecorded: [Int32] = [], leftoverEtcd: Int32? = nil, held: Bool = false) {
            self.name = name
            self.process = process
            self.unrecorded = unrecorded
            self.leftoverEtcd = leftoverEtcd
            self.held = held
        }

        /// The pid when the node runs.
        public var runningPID: Int32? {
            if case .running(let pid) = process { pid } else { unrecorded.first }
        }

        /// Every pid of this node that still runs: node processes and a leftover etcd.
        public var livePIDs: [Int32] {
            (process.runningPID.map { [$0] } ?? []) + unrecorded + (leftoverEtcd.map { [$0] } ?? [])
        }
    }

    /// The nodes, in spec order.
    public var nodes: [Node]
    /// The node whose etcd member leads, when known.
    public var leader: String?
    /// Whether the cluster's certificates exist (always true with TLS off).
    public var certificatesPresent: Bool

    /// Creates an observation.
    public init(nodes: [Node], leader: String? = nil, certificatesPresent: Bool = true) {
        self.nodes = nodes
        self.leader = leader
        self.certificatesPresent = certificatesPresent
    }
}

extension PIDFile.State {
    /// The pid when the file names a running process of ours.
    var runningPID: Int32? {
        if case .running(let pid) = self { pid } else { nil }
    }
}
