import ClusterSpec
import Foundation
import HeadnetCore
import Orchestrator

/// `remove-member` and `add-member`: etcd's member replacement (its functional tester's
/// SIGQUIT_AND_REMOVE_ONE_FOLLOWER, its robustness tests' MemberReplace). The node is crashed
/// (SIGKILL; its etcd gets the tester's SIGQUIT),
/// its member removed and its etcd data deleted; then added back as a new, empty member under the
/// same name and address and started, and its etcd catches up from its peers. The node's queue,
/// journal and last-known-revision stay: it delivers on from its revision and sends what it had
/// accepted. The member changes are the Orchestrator's own steps (``MemberStep``), run by its
/// ``PlanExecutor``; the start is the drill's `start`.
extension DrillStepExecutor {
    /// How long a removal may wait for the crashed processes to go and for etcd to take the
    /// change (a removed leader's peers elect another first).
    static let memberChangeTimeout: Duration = .seconds(30)
    /// How long etcd gets to exit after SIGQUIT (Go writes its goroutines' stacks and exits)
    /// before SIGKILL.
    static let quitGrace: Duration = .seconds(3)

    /// What follows the crash in `remove-member`: remove the node's member (through another
    /// member; a node that is no member any more is a skipped step, so the plan can run again),
    /// delete its etcd data.
    static func removalPlan(_ name: String) -> Plan {
        Plan([Plan.Stage([.member(.remove(node: name))]), Plan.Stage([.member(.removeEtcdData(node: name))])])
    }

    /// What `add-member` does before starting the node: MemberAdd as a voting member, as etcd's
    /// MemberReplace does. The step marks the node as joining the running cluster
    /// (`join-existing`), so its etcd starts `existing` on its empty data directory even when the
    /// node is a founder.
    static func additionPlan(_ name: String) -> Plan {
        Plan([Plan.Stage([.member(.add(node: name, learner: false))])])
    }

    /// `remove-member`: SIGKILL to the node's process and SIGQUIT to its etcd (SIGKILL to what
    /// still runs after ``quitGrace``), then, once they are gone, ``removalPlan(_:)``; for each node.
    ///
    /// Not SIGQUIT to the node: the Swift runtime answers it with a backtrace written by a
    /// `swift-backtrace` child that inherits the node's listening API socket and can outlive the
    /// node by minutes, holding its port, so the node could not be started again.
    func removeMembers(_ nodes: [NodeSpec]) async -> (Bool, String) {
        var lines: [String] = []
        for node in nodes {
            lines.append(await send(SIGKILL, "KILL", to: [node], .node).1)
            lines.append(await send(SIGQUIT, "QUIT", to: [node], .etcd).1)
            func exited(within timeout: Duration) async -> Bool {
                await Polling.poll(every: .milliseconds(100), within: timeout) { () -> Bool? in
                    cluster.processes().first { $0.name == node.name }?.livePIDs.isEmpty == true ? true : nil
                } != nil
            }
            if await !exited(within: Self.quitGrace) {
                let (_, killed) = await send(SIGKILL, "KILL", to: [node], .both)
                lines.append("still running \(Int(Self.quitGrace.inSeconds)) s later: \(killed)")
            }
            guard await exited(within: Self.memberChangeTimeout) else {
                return (false, (lines + ["\(node.name)'s processes still run \(Int(Self.memberChangeTimeout.inSeconds)) s after SIGKILL"]).joined(separator: "; "))
            }
            // Removing a crashed leader's member waits for its peers to elect another: the plan
            // runs again (each step is idempotent) until it goes through.
            var failure = ""
            let removed = await Polling.poll(every: .seconds(1), within: Self.memberChangeTimeout) { () -> [String]? in
                let (ok, reports) = await execute(Self.removalPlan(node.name))
                failure = reports.last ?? ""
                return ok ? reports : nil
            }
            guard let removed else { return (false, (lines + ["cannot remove \(node.name)'s member: \(failure)"]).joined(separator: "; ")) }
            lines += removed
        }
        return (true, lines.joined(separator: "; "))
    }

    /// `add-member`: for each node (stopped, as `remove-member` leaves it), ``additionPlan(_:)``,
    /// then the start of `start`: it waits until the node is ready.
    func addMembers(_ nodes: [NodeSpec], orchestrator: Orchestrator) async -> (Bool, String) {
        var lines: [String] = []
        for node in nodes {
            if await cluster.nodes.isRunning(node) {
                return (false, "\(node.name) runs: add-member adds back a node that remove-member took out")
            }
            let (added, reports) = await execute(Self.additionPlan(node.name))
            lines += reports
            guard added else { return (false, lines.joined(separator: "; ")) }
            if let failure = await start(node, orchestrator: orchestrator) { return (false, (lines + [failure]).joined(separator: "; ")) }
            lines.append("\(node.name) is ready")
        }
        return (true, lines.joined(separator: "; "))
    }

    /// Runs `plan` on the cluster; whether it completed, and each step's message.
    private func execute(_ plan: Plan) async -> (Bool, [String]) {
        let reports = LockedValue<[String]>([])
        let ok = await PlanExecutor(runner: cluster.roles).execute(plan) { step in reports.withLock { $0.append(step.message) } }
        return (ok, reports.value)
    }
}
