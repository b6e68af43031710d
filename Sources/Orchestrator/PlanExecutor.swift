import ClusterSpec
import Foundation
import HeadnetCore
import Health
import Processes

/// Runs a plan's steps on a runner, reporting each as it ends. A stage with a failed step is
/// the last one run.
public struct PlanExecutor: Sendable {
    /// What executes the steps.
    public let runner: ClusterRunner
    /// How often a readiness wait asks the node.
    public var readinessInterval: Duration = .milliseconds(100)
    /// How often the health gate asks again while a check fails.
    public var healthInterval: Duration = .seconds(1)
    /// The clock the waits run on (a test gives a ``HeadnetCore/SteppingClock``).
    public var clock = AnyClock(ContinuousClock())
    /// Set from outside (Ctrl-C) to end the waits and skip the stages left.
    public var interruption: Interruption?

    /// Creates an executor.
    public init(runner: ClusterRunner, interruption: Interruption? = nil) {
        self.runner = runner
        self.interruption = interruption
    }

    /// How a plan's run ended.
    public enum End: Sendable, Hashable {
        /// Every stage ran and no step failed.
        case completed
        /// This step failed (the first, in the order the reports came); its stage was the last.
        case failed(Step)
        /// Interrupted (``interruption``) before a stage.
        case interrupted
    }

    /// Executes `plan`, calling `report` for each step as it ends; returns whether every step
    /// succeeded.
    public func execute(_ plan: Plan, report: @Sendable (StepReport) async -> Void) async -> Bool {
        await run(plan, report: report) == .completed
    }

    /// Executes `plan` as ``execute(_:report:)`` does; says how it ended.
    public func run(_ plan: Plan, report: @Sendable (StepReport) async -> Void) async -> End {
        for stage in plan.stages {
            if interruption?.isRequested == true { return .interrupted }
            var failed: Step?
            if stage.concurrent {
                await withTaskGroup(of: (Step, StepReport).self) { group in
                    for step in stage.steps { group.addTask { (step, await self.run(step)) } }
                    for await (step, result) in group {
                        if result.outcome == .failed, failed == nil { failed = step }
                        await report(result)
                    }
                }
            } else {
                for step in stage.steps {
                    let result = await run(step)
                    if result.outcome == .failed, failed == nil { failed = step }
                    await report(result)
                }
            }
            if let failed { return .failed(failed) }
        }
        return .completed
    }

    /// Runs one step and says how it went.
    func run(_ step: Step) async -> StepReport {
        let started = ContinuousClock.now
        var report = await perform(step)
        let elapsed = started.duration(to: .now)
        report.seconds = elapsed.inSeconds
        return report
    }

    private func perform(_ step: Step) async -> StepReport {
        let node = step.node.flatMap { name in runner.spec.nodes.first { $0.name == name } }
        switch step {
        case .keep(let name, let pid):
            return StepReport(step: step, outcome: .skipped, message: "\(name) is running (pid \(pid))")
        case .notRunning(let name):
            return StepReport(step: step, outcome: .skipped, message: "\(name) was not running")
        case .held(let name):
            return StepReport(step: step, outcome: .skipped, message: "\(name) stays stopped (`headnet stop`); `headnet start \(name)` starts it")
        case .hold(let name), .release(let name):
            guard let node else { return unknown(step, name) }
            let hold = if case .hold = step { true } else { false }
            do {
                try await runner.control.setHeld(node, hold)
            } catch {
                return StepReport(step: step, outcome: .failed, message: "cannot record that \(name) is \(hold ? "" : "no longer ")held stopped: \(error)")
            }
            return StepReport(step: step, outcome: .ok, message: hold ? "\(name) stays stopped until `headnet start \(name)`" : "\(name) is no longer held stopped")
        case .removeStalePIDFile(let name, let pid):
            if let node { await runner.host(of: node).removePIDFile(node) }
            return StepReport(step: step, outcome: .ok, message: "\(name): removed stale pid file (pid \(pid) is not running)")
        case .checkPorts(let name):
            guard let node else { return unknown(step, name) }
            let busy = await runner.host(of: node).busyPorts(of: node)
            guard busy.isEmpty else {
                return StepReport(
                    step: step, outcome: .failed, message: busy.map { "\(name): \($0)" }.joined(separator: "; "),
                    details: ["stop that process or give the node other ports in the spec; nothing was started"])
            }
            return StepReport(step: step, outcome: .ok, message: "\(name): no other process holds ports \(node.listen.port), \(node.clientPort), \(node.apiPort)")
        case .createCertificates:
            do {
                return StepReport(step: step, outcome: .ok, message: "certificates in \(try await runner.control.createCertificates())")
            } catch {
                return StepReport(step: step, outcome: .failed, message: "cannot create the certificates: \(error)")
            }
        case .start(let name):
            guard let node else { return unknown(step, name) }
            do {
                return StepReport(step: step, outcome: .ok, message: "started \(name) (pid \(try await runner.host(of: node).start(node)))")
            } catch {
                return StepReport(step: step, outcome: .failed, message: "cannot start \(name): \(error)")
            }
        case .waitReady(let name, let timeout):
            guard let node else { return unknown(step, name) }
            return await waitReady(step, node, timeout: .seconds(timeout))
        case .stop(let name, let pid, let leader):
            guard let node else { return unknown(step, name) }
            guard await runner.host(of: node).stop(node, pid: pid) else {
                return StepReport(step: step, outcome: .failed, message: "\(name) (pid \(pid)) still runs after SIGKILL")
            }
            return StepReport(step: step, outcome: .ok, message: "stopped \(name) (pid \(pid)\(leader ? ", the etcd leader" : ""))")
        case .stopEtcd(let name, let pid):
            guard let node else { return unknown(step, name) }
            guard await runner.host(of: node).stopEtcd(node, pid: pid) else {
                return StepReport(step: step, outcome: .failed, message: "\(name)'s leftover etcd (pid \(pid)) still runs after SIGKILL")
            }
            return StepReport(step: step, outcome: .ok, message: "stopped \(name)'s leftover etcd (pid \(pid))")
        case .purgeState:
            do {
                return StepReport(step: step, outcome: .ok, message: "removed \(try await runner.control.purgeState())")
            } catch {
                return StepReport(step: step, outcome: .failed, message: "cannot remove the cluster's state: \(error)")
            }
        case .moveLeader(let name, let targetName):
            guard let node, let target = runner.spec.nodes.first(where: { $0.name == targetName }) else { return unknown(step, targetName) }
            do {
                try await runner.membership.moveLeader(from: node, to: target)
                return StepReport(step: step, outcome: .ok, message: "\(name) led: moved etcd leadership to \(targetName)")
            } catch {
                return StepReport(
                    step: step, outcome: .failed, message: "cannot move etcd leadership from \(name) to \(targetName): \(error)",
                    details: ["\(name) still leads and runs; nothing was stopped"])
            }
        case .waitCaughtUp(let name, let timeout):
            guard let node else { return unknown(step, name) }
            return await waitCaughtUp(step, node, timeout: .seconds(timeout))
        case .member(let member):
            return await perform(member, as: step)
        case .issueCertificates:
            return await attempt(step, "cannot issue new certificates") { try await runner.control.issueCertificates() }
        case .installCertificates(let name):
            if let name, node == nil { return unknown(step, name) }
            return await attempt(step, "cannot install \(name.map { "\($0)'s" } ?? "the client's") new certificates") {
                try await runner.control.installCertificates(of: node)
            }
        case .revokeCertificates:
            return await attempt(step, "cannot install the revocation list") { try await runner.control.revokeCertificates() }
        case .forgetFounders(let text, let inPlace):
            do {
                let path = try await runner.control.writeSpec(text)
                return StepReport(
                    step: step, outcome: .ok,
                    message: "dropped initialCluster from \(path): the next `headnet up` founds the cluster with every node"
                        + (inPlace ? "" : " (the file was rewritten whole; its comments are gone)"))
            } catch {
                return StepReport(
                    step: step, outcome: .failed, message: "the state is purged, but the spec still names the founding members: \(error)",
                    details: ["delete its initialCluster: before `headnet up`"])
            }
        case .saveSnapshot(let name, let path, let why):
            guard let node else { return unknown(step, name) }
            return await saveSnapshot(step, of: node, to: path, why: why)
        case .snapshotChecked(let snapshot):
            return StepReport(
                step: step, outcome: .ok,
                message: "snapshot \(snapshot.path): \(ByteCount.text(snapshot.integrity.size, exact: true)), revision \(snapshot.status.revision), sha256 ok")
        case .restoreMember(let restore), .installRestore(let restore):
            guard let node else { return unknown(step, restore.node) }
            return await self.restore(step, restore, on: node)
        case .discardRestore(let name):
            guard let node else { return unknown(step, name) }
            return await discardRestore(step, node)
        case .defragment(let name):
            guard let node else { return unknown(step, name) }
            let done: MemberDefragmentation
            do {
                done = try await runner.membership.defragment(node)
            } catch {
                return StepReport(step: step, outcome: .failed, message: "defragmenting \(name)'s etcd failed: \(error)")
            }
            let line = "\(name) (\(done.before.leads ? "leader" : "follower")): \(done.summary)"
            guard done.after.hasLeader else {
                return StepReport(
                    step: step, outcome: .failed, message: "\(line); its etcd has no leader after its defragmentation",
                    details: ["`headnet status -f \(runner.control.specArgument)` shows why"])
            }
            return StepReport(step: step, outcome: .ok, message: line)
        case .requireHealthy(let settle, let label):
            return await requireHealthy(step, settle: .seconds(settle), label: label)
        }
    }

    /// Asks for the cluster report until no check fails or `settle` has passed; the failed
    /// report names the failing checks with their evidence, and lists their hints.
    private func requireHealthy(_ step: Step, settle: Duration, label: String) async -> StepReport {
        var health = HealthReport(results: [])
        _ = await poll(within: settle, every: healthInterval) { () -> Bool? in
            health = await runner.health()
            return ClusterHealth.failure(health) == nil || interruption?.isRequested == true ? true : nil
        }
        guard let failure = ClusterHealth.failure(health) else {
            return StepReport(
                step: step, outcome: .ok, message: "\(label): \(health.results.count) checks pass\(health.verdict == .warn ? " (with warnings)" : "")")
        }
        let hints = health.results.filter { $0.verdict == .fail && !$0.hint.isEmpty }.map { "\($0.check)\($0.subject.map { " (\($0))" } ?? ""): \($0.hint)" }
        return StepReport(step: step, outcome: .failed, message: failure, details: hints)
    }

    /// ``HeadnetCore/Polling/poll(every:within:clock:_:)`` on this executor's clock.
    func poll<Answer>(within timeout: Duration, every interval: Duration, _ attempt: () async -> Answer?) async -> Answer? {
        await Polling.poll(every: interval, within: timeout, clock: clock, attempt)
    }

    /// Runs `work`; its answer is the report's message, its error the failure's.
    private func attempt(_ step: Step, _ failure: String, _ work: () async throws -> String) async -> StepReport {
        do {
            return StepReport(step: step, outcome: .ok, message: try await work())
        } catch {
            return StepReport(step: step, outcome: .failed, message: "\(failure): \(error)")
        }
    }

    /// Polls the node's progress until its `alive-` key is back and it delivered up to the
    /// newest message seen at the first reading.
    private func waitCaughtUp(_ step: Step, _ node: NodeSpec, timeout: Duration) async -> StepReport {
        var target: Int64?
        var last: NodeProgress?
        var lastError: (any Error)?
        let answer = await poll(within: timeout, every: readinessInterval) { () -> StepReport? in
            if let failure = await notRunning(step, node) { return failure }
            if interruption?.isRequested == true { return interrupted(step, node) }
            do {
                let progress = try await runner.reader.progress(of: node)
                let goal = target ?? progress.newestMessage
                target = goal
                last = progress
                guard progress.aliveKey && progress.delivered >= goal else { return nil }
                return StepReport(
                    step: step, outcome: .ok,
                    message: "\(node.name) caught up: alive key back, delivered through revision \(progress.delivered) (newest message \(goal) when it started)")
            } catch {
                lastError = error
                return nil
            }
        }
        if let answer { return answer }
        let seen = last.map {
            "delivered through revision \($0.delivered) of \(target ?? $0.newestMessage); alive key \($0.aliveKey ? "present" : "missing")"
        } ?? "no progress reading: \(lastError.map { "\($0)" } ?? "none")"
        return StepReport(
            step: step, outcome: .failed, message: "\(node.name) has not caught up after \(timeout.components.seconds) s: \(seen)",
            details: await runner.failureDetails(node))
    }

    private func waitReady(_ step: Step, _ node: NodeSpec, timeout: Duration) async -> StepReport {
        let answer = await poll(within: timeout, every: readinessInterval) { () -> StepReport? in
            if let failure = await notRunning(step, node) { return failure }
            if interruption?.isRequested == true { return interrupted(step, node) }
            return await runner.reader.isReady(node) ? StepReport(step: step, outcome: .ok, message: "\(node.name) ready") : nil
        }
        if let answer { return answer }
        return StepReport(
            step: step, outcome: .failed, message: "\(node.name) not ready after \(timeout.components.seconds) s",
            details: await runner.failureDetails(node))
    }

    /// The failed report of a wait for `node` when its process exited or is stopped by a
    /// signal (waiting longer would change nothing); nil while it runs.
    func notRunning(_ step: Step, _ node: NodeSpec) async -> StepReport? {
        guard await runner.host(of: node).isRunning(node) else {
            return StepReport(step: step, outcome: .failed, message: "\(node.name) exited", details: await runner.failureDetails(node))
        }
        guard let pid = await runner.host(of: node).stoppedPID(of: node) else { return nil }
        return StepReport(step: step, outcome: .failed, message: OrchestratorError.stopped(node.name, pid: pid).message)
    }

    private func interrupted(_ step: Step, _ node: NodeSpec) -> StepReport {
        StepReport(step: step, outcome: .failed, message: "interrupted while waiting for \(node.name)")
    }

    private func unknown(_ step: Step, _ name: String) -> StepReport {
        StepReport(step: step, outcome: .failed, message: "no node named '\(name)' in cluster '\(runner.spec.name)'")
    }
}
