import ClusterSpec
import Deploy
import Foundation
import HeadnetCore

/// Plans `headnet snapshot restore`: one `etcdctl snapshot restore` per node, each making the
/// data directory that node's etcd will look for, with the member name, initial cluster, token
/// and peer URL its config file gives etcd (``Deploy/EtcdConfigRenderer``). Refused while any
/// process of the cluster runs or while a node has state of its own.
///
/// The plan (``steps(_:snapshot:)``) stages every node's restore before it moves any into
/// place; when a step fails, ``undo(_:)`` deletes what the restore wrote (there was no etcd
/// data before it), so no node is left half restored.
public enum RestorePlanner {
    /// What is on disk and running of one node, as found before the restore.
    public struct NodeState: Sendable, Hashable {
        /// The node's name.
        public var node: String
        /// Processes of the node that run: `headnet node` and etcd.
        public var pids: [Int32]
        /// State files of the node that are in the way: its etcd data directory when it holds
        /// anything, its last-known revision, journal, queue.
        public var state: [String]

        /// Creates a node's state.
        public init(node: String, pids: [Int32] = [], state: [String] = []) {
            self.node = node
            self.pids = pids
            self.state = state
        }
    }

    /// One node's restore.
    public struct MemberRestore: Sendable, Hashable {
        /// The node.
        public var node: String
        /// Its etcd member name (the advertised address).
        public var member: String
        /// Where the node's etcd looks for its data.
        public var dataDirectory: String
        /// Where etcdctl writes it first; renamed to ``dataDirectory`` once every node's restore
        /// succeeded, so a failed restore leaves no node half restored.
        public var stagingDirectory: String
        /// The `etcdctl` program that runs it.
        public var etcdctl: String
        /// The `etcdctl` arguments (run with `ETCDCTL_API=3`).
        public var arguments: [String]
    }

    /// The state files of a node directory that a restore must not find: the node would resume
    /// from them instead of from the restored data.
    public static let nodeStateFiles = NodeStateFiles.dataState

    /// The restores for every node of `spec`, or why not.
    ///
    /// - Parameters:
    ///   - snapshot: the snapshot file's absolute path.
    ///   - etcdctl: the `etcdctl` program (``Etcdctl/executable``).
    ///   - states: what was found of each node.
    ///   - specArgument: the spec as the user named it, for the commands the message suggests.
    /// - Throws: ``OrchestratorError`` `running` while a process of the cluster runs; `state`
    ///   when a node has etcd data or other state (`headnet down --purge` deletes it).
    public static func plan(
        spec: ClusterSpec, layout: StateLayout, snapshot: String, etcdctl: String = "etcdctl", states: [NodeState], specArgument: String
    ) throws(OrchestratorError) -> [MemberRestore] {
        let running = states.filter { !$0.pids.isEmpty }
        guard running.isEmpty else {
            let list = running.map { "\($0.node) (pid \($0.pids.map(String.init).joined(separator: ", ")))" }.joined(separator: ", ")
            throw OrchestratorError(
                .running, "cluster '\(spec.name)' runs: \(list). A restore replaces every member's data, so the cluster must be stopped "
                    + "and its state deleted first: `headnet down --purge -f \(specArgument)` (save a snapshot before, if you need its data)")
        }
        let occupied = states.filter { !$0.state.isEmpty }
        guard occupied.isEmpty else {
            let list = occupied.map { "\($0.node): \($0.state.joined(separator: ", "))" }.joined(separator: "; ")
            throw OrchestratorError(
                .state, "nodes of cluster '\(spec.name)' have state that a restore would not replace (\(list)). "
                    + "Delete it with `headnet down --purge -f \(specArgument)` (save a snapshot before, if you need its data), then restore")
        }
        let tls = spec.tlsEnabled
        return spec.nodes.map { node in
            let directory = EtcdConfigRenderer.dataDirectory(spec: spec, node: node, directory: layout.nodeDirectory(node)).path
            let staging = directory + ".restoring"
            return MemberRestore(
                node: node.name, member: EtcdConfigRenderer.memberName(node), dataDirectory: directory, stagingDirectory: staging, etcdctl: etcdctl,
                arguments: [
                    "snapshot", "restore", snapshot,
                    "--name", EtcdConfigRenderer.memberName(node),
                    "--data-dir", staging,
                    "--initial-cluster", EtcdConfigRenderer.initialCluster(spec: spec, node: node, tls: tls),
                    "--initial-cluster-token", EtcdConfigRenderer.initialClusterToken,
                    "--initial-advertise-peer-urls", EtcdConfigRenderer.peerURL(node, tls: tls),
                ])
        }
    }

    /// The restore as a plan: the checked snapshot, then every node's restore staged, then —
    /// only when all of them succeeded — each moved into place.
    public static func steps(_ restores: [MemberRestore], snapshot: CheckedSnapshot) -> Plan {
        Plan([
            .init([.snapshotChecked(snapshot)]),
            .init(restores.map { .restoreMember($0) }),
            .init(restores.map { .installRestore($0) }),
        ])
    }

    /// What undoes a failed restore: every node's etcd data deleted, staged or moved into
    /// place (the plan was refused unless no node had any).
    public static func undo(_ restores: [MemberRestore]) -> Plan {
        Plan([.init(restores.map { .discardRestore(node: $0.node) })])
    }
}
