import ClusterSpec
import Foundation
import Processes

/// `headnet status`: one row per node from its process, its etcd member and its API, with the
/// reason a node is not healthy and whether the cluster has quorum.
public struct ClusterStatus: Sendable, Codable {
    /// One node's row.
    public struct Row: Sendable, Codable {
        /// The node's name.
        public var name: String
        /// Its pid when it runs.
        public var pid: Int32?
        /// Whether its process runs.
        public var alive: Bool
        /// Whether its etcd member answered without errors and knows a leader.
        public var etcdHealthy: Bool
        /// Whether its member leads.
        public var leader: Bool
        /// The leader's member ID (hex) as this member sees it.
        public var leaderID: String?
        /// This member's ID (hex).
        public var memberID: String?
        /// Raft term.
        public var raftTerm: UInt64?
        /// Raft index.
        public var raftIndex: UInt64?
        /// The member's store revision.
        public var revision: Int64?
        /// Peers whose `alive-` key the node sees.
        public var peersSeen: Int?
        /// Whether the node is connected to a majority.
        public var connected: Bool?
        /// Messages waiting in its broadcast queue.
        public var queueDepth: Int?
        /// Journal entries.
        public var delivered: Int?
        /// Why its etcd member did not answer.
        public var error: String?
        /// Whether its process (or its etcd) is stopped by a signal (SIGSTOP).
        public var stopped: Bool?
        /// The broadcasts it refused when its queue was full: queue depth and capacity, with
        /// the cause (nil unless the queue is full).
        public var queueFull: String?
        /// Why the node is not healthy (nil when it is).
        public var reason: String?
    }

    /// Members up against the quorum.
    public struct Quorum: Sendable, Codable, Hashable {
        /// Members whose etcd answered healthy.
        public var up: Int
        /// Members in the spec.
        public var members: Int
        /// Members needed for a majority.
        public var needed: Int
        /// Whether `up` reaches `needed`.
        public var ok: Bool

        /// `2/3 members up, quorum 2: ok`.
        public var text: String { "\(up)/\(members) members up, quorum \(needed): \(ok ? "ok" : "LOST (writes and elections stop)")" }
    }

    /// The cluster's name.
    public var cluster: String
    /// Every node alive and healthy, one leader that every member agrees on.
    public var healthy: Bool
    /// Members up against the quorum.
    public var quorum: Quorum
    /// The rows, in spec order.
    public var nodes: [Row]

    /// Gathers the status of every node of `runner`'s cluster.
    ///
    /// - Throws: ``OrchestratorError`` `wrongCluster` when a node's API or etcd on this spec's
    ///   ports belongs to another cluster.
    public static func gather(_ runner: LocalClusterRunner) async throws -> ClusterStatus {
        let scan = runner.nodes.scan()
        let observed = runner.processes(scan)
        let ours = scan.etcds
        let expectedMembers = Set(runner.spec.nodes.map(\.advertise.description))
        var rows: [Row] = []
        for (node, seen) in zip(runner.spec.nodes, observed) {
            var row = Row(name: node.name, alive: false, etcdHealthy: false, leader: false)
            row.pid = seen.runningPID
            row.alive = seen.runningPID != nil
            try checkClientPortHolder(node, ours: ours[node.name, default: []], runner: runner)
            // A process stopped with SIGSTOP answers nothing: say so instead of waiting for it.
            let stoppedNode = ProcessControl.stoppedPID(seen.runningPID)
            let stoppedEtcd = ProcessControl.stoppedPID(runner.nodes.etcdPIDFile(node).pid)
            if let pid = stoppedNode {
                row.stopped = true
                row.error = OrchestratorError.stopped(node.name, pid: pid).message
            } else {
                let api = runner.api(for: node)
                if let status = await api.status() {
                    try api.verify(status)
                    row.peersSeen = status.network.peers.count
                    row.connected = status.network.connected
                    row.queueDepth = status.network.queueDepth
                    row.queueFull = status.network.queueFull?.summary
                    row.delivered = status.delivered
                }
            }
            if let pid = stoppedEtcd {
                row.stopped = true
                row.error = OrchestratorError.stopped(node.name, pid: pid, what: "etcd").message
            } else {
                do {
                    let (status, members) = try await runner.etcd.statusAndMembers(of: node)
                    let names = Set(members.map(\.name))
                    guard names == expectedMembers || !seen.livePIDs.isEmpty else {
                        throw OrchestratorError.otherCluster(at: node, members: names, expected: expectedMembers)
                    }
                    row.etcdHealthy = status.errors.isEmpty && status.leader != 0
                    row.leader = status.isLeader
                    row.leaderID = String(status.leader, radix: 16)
                    row.memberID = String(status.header.memberID, radix: 16)
                    row.raftTerm = status.raftTerm
                    row.raftIndex = status.raftIndex
                    row.revision = status.header.revision
                    if !status.errors.isEmpty { row.error = status.errors.joined(separator: "; ") }
                } catch let error as OrchestratorError {
                    throw error
                } catch {
                    row.error = "\(error)"
                }
            }
            row.reason = reason(row, seen)
            rows.append(row)
        }
        let leaders = Set(rows.compactMap(\.leaderID))
        let up = rows.filter { $0.memberID != nil }.count
        let needed = runner.spec.quorum
        let healthy = rows.allSatisfy { $0.reason == nil } && rows.filter(\.leader).count == 1 && leaders.count == 1
        return ClusterStatus(
            cluster: runner.spec.name, healthy: healthy,
            quorum: Quorum(up: up, members: runner.spec.nodes.count, needed: needed, ok: up >= needed), nodes: rows)
    }

    /// Refuses when the node's etcd client port is held by a process that is not one of this
    /// cluster's etcd members (found by ``LocalHost/scan()``): another cluster's etcd,
    /// say from a second checkout of the same spec, would otherwise pass for ours.
    static func checkClientPortHolder(_ node: NodeSpec, ours: [Int32], runner: LocalClusterRunner) throws {
        let holders = Ports.holders(ofPort: node.clientPort).filter { $0.pid != nil }
        guard !holders.isEmpty, !holders.contains(where: { ours.contains($0.pid ?? 0) }) else { return }
        throw OrchestratorError(
            .wrongCluster,
            "another cluster's etcd holds \(node.name)'s etcd client port \(node.clientPort): \(holders.map(\.description).joined(separator: ", ")); "
                + "this cluster's etcd would keep its state under \(runner.layout.clusterDirectory.path). "
                + "Two specs use the same ports: stop the other cluster or give this one free ports (`headnet init` picks them)")
    }

    /// Why a node is not healthy, in words; nil when it is.
    static func reason(_ row: Row, _ seen: ClusterObservation.Node) -> String? {
        let reason = processReason(row, seen)
        guard let full = row.queueFull else { return reason }
        return reason.map { "\($0); \(full)" } ?? full
    }

    /// Why the node's process, its etcd or its connection is not healthy; nil when they are.
    static func processReason(_ row: Row, _ seen: ClusterObservation.Node) -> String? {
        if row.stopped == true, let error = row.error { return error }
        if !row.alive {
            if seen.held { return "stopped with `headnet stop`; `headnet start \(row.name)` starts it" }
            if let etcd = seen.leftoverEtcd {
                return "node process gone, its etcd (pid \(etcd)) still runs; `headnet up` restarts the node"
            }
            return "not running; `headnet up` starts it"
        }
        if !row.etcdHealthy {
            if row.leaderID == "0" { return "etcd member has no leader (quorum lost?)" }
            return "etcd does not answer" + (row.error.map { ": \($0)" } ?? "")
        }
        if row.connected == false { return "not connected to a majority of peers" }
        if row.connected == nil { return "node API does not answer" }
        return nil
    }
}
