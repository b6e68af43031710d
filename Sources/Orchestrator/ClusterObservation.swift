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

        /// Creates an observation.
        public init(name: String, process: PIDFile.State) {
            self.name = name
            self.process = process
        }

        /// The pid when the node runs.
        public var runningPID: Int32? {
            if case .running(let pid) = process { pid } else { nil }
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
