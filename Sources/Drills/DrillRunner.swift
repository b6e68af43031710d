import ClusterSpec
import EtcdClient
import Foundation
import Health
import HeadnetCore
import NodeAPIModel
import Orchestrator
import Processes

/// Runs a drill on a devnet of its own on this machine: brings the cluster up on a fresh state
/// directory, starts the load and a sampler of every node's delivered count, runs the steps,
/// stops the load, waits for the nodes to deliver what was accepted, then checks the journals
/// against the load record, etcd's hashes and the recovery times (``DrillReport``).
public struct DrillRunner: Sendable {
    /// The drill.
    public let drill: Drill
    /// The drill's cluster.
    public let spec: ClusterSpec
    /// The runner of the cluster (its state root is the drill's own).
    public let cluster: LocalClusterRunner
    /// The seed of the random picks.
    public let seed: UInt64
    /// Steps that cannot run here are skipped (reported) instead of failing the drill.
    public var skipUnsupported = false
    /// How long after the load stops the nodes get to deliver everything accepted.
    public var settle: Duration = .seconds(60)
    /// How often the sampler asks every node for its delivered count.
    public var sampleInterval: Duration = .milliseconds(500)
    /// The pause between two runs of the health checks (each takes up to a few seconds when a
    /// node does not answer).
    public var healthInterval: Duration = .seconds(1)
    /// Where progress lines go (the step results as they end).
    public var progress: @Sendable (String) -> Void = { _ in }
    /// The nodes' namespaces when the drill has network faults (``DrillNetwork``).
    public var network: DrillNetwork?
    /// The nodes' disks when the drill fills them (``DrillDisks``).
    public var disks: DrillDisks?
    /// The port of each node's ``SettingsBurstRelay`` when the drill has a `settings-burst` step
    /// it can run (plaintext etcd, no namespaces): the nodes dial it
    /// (``HeadnetCore/EtcdDialOverride``), the relay forwards to their etcd client port.
    public let relayPorts: [String: Int]

    /// A runner of `drill` on `spec`, its state under `stateRoot`, `specPath` the spec file the
    /// nodes are started with.
    public init(drill: Drill, spec: ClusterSpec, specPath: String, stateRoot: URL, seed: UInt64, executable: String) {
        self.drill = drill
        self.spec = spec
        self.seed = seed
        let bursts = drill.steps.contains { step in
            guard case .settingsBurst = step.action else { return false }
            return DrillStepExecutor.unsupported(step.action, namespaces: spec.hosts.contains { $0.namespace != nil }, disks: false, tls: spec.tlsEnabled) == nil
        }
        // A free port per node, picked now: the nodes' environment names it before they start.
        // Should none be found, the step fails saying the node has no relay.
        let ports = bursts ? (try? Ports.pickFree(spec.nodes.count)) ?? [] : []
        self.relayPorts = Dictionary(uniqueKeysWithValues: zip(spec.nodes.map(\.name), ports))
        self.cluster = LocalClusterRunner(
            spec: spec, specPath: specPath, stateRoot: stateRoot, executable: executable,
            nodeEnvironment: relayPorts.mapValues { [EtcdDialOverride.variable: String($0)] })
    }

    /// Why the drill cannot run here at all (a step needs what this machine lacks and
    /// unsupported steps are not to be skipped), else nil.
    public func refusal() async -> String? {
        guard !skipUnsupported else { return nil }
        var unsupported: [String] = []
        for step in drill.steps {
            if let reason = DrillStepExecutor.unsupported(step.action, namespaces: network != nil, disks: disks != nil, tls: spec.tlsEnabled) {
                unsupported.append("\(step.path) (\(step.action.kind)): \(reason)")
            } else if network != nil, let fault = DrillNetwork.fault(of: step.action), let reason = await NamespaceNetwork.unsupportedReason(for: fault) {
                unsupported.append("\(step.path) (\(step.action.kind)): \(reason)")
            }
        }
        guard !unsupported.isEmpty else { return nil }
        return "the drill has steps this machine cannot run: " + unsupported.joined(separator: "; ") + ". Run with --skip-unsupported to skip them"
    }

    /// Runs the drill; the cluster is left running for the caller to take down. With
    /// ``relayPorts``, the relays run for the drill's length only: the nodes lose their etcd
    /// connection when it returns (take the cluster down then).
    public func run() async -> DrillReport {
        var relays: [String: SettingsBurstRelay] = [:]
        for node in spec.nodes {
            guard let port = relayPorts[node.name] else { continue }
            do {
                relays[node.name] = try await SettingsBurstRelay.bind(port: port, target: node.clientPort)
            } catch {
                var report = DrillReport(drill: drill.name, seed: seed, nodes: spec.nodes.map(\.name))
                report.failures = ["cannot listen on 127.0.0.1:\(port) for \(node.name)'s etcd relay: \(error)"]
                for relay in relays.values { await relay.close() }
                return report
            }
        }
        return await withTaskGroup(of: Void.self, returning: DrillReport.self) { group in
            for relay in relays.values { group.addTask { await relay.run() } }
            let report = await run(relays: relays)
            group.cancelAll()
            return report
        }
    }

    /// Runs the drill with `relays` serving.
    func run(relays: [String: SettingsBurstRelay]) async -> DrillReport {
        var report = DrillReport(drill: drill.name, seed: seed, nodes: spec.nodes.map(\.name))
        let orchestrator = Orchestrator(runner: cluster.roles)
        let up = await orchestrator.up(timeoutSeconds: 60) { step in if step.outcome == .failed { progress(step.text) } }
        guard up.succeeded else {
            report.failures = ["the drill's cluster did not come up: \(up.failedStep.map { "\($0.kind) failed" } ?? "interrupted")"]
            return report
        }
        let record = LoadRecord()
        let stopLoad = Interruption(), stopSampling = Interruption()
        let start = ContinuousClock.now
        let senders = resolveSenders()
        let load = LoadGenerator(senders: senders, rate: drill.load.rate, size: drill.load.size, runID: "drill-\(seed)-\(Int(Date().timeIntervalSince1970))")
        let samples = LockedValue<[DrillTimeline.Sample]>([])
        let health = LockedValue<[DrillTimeline.HealthCheck]>([])
        await withTaskGroup(of: Void.self) { group in
            async let loading: Void = load.run(into: record, sink: NodeAPISink(spec: spec), stop: stopLoad)
            group.addTask { await sample(into: samples, from: start, until: stopSampling) }
            group.addTask { await checkHealth(into: health, from: start, until: stopSampling) }
            var executor = DrillStepExecutor(drill: drill, cluster: cluster, seed: seed, start: start)
            executor.skipUnsupported = skipUnsupported
            executor.network = network
            executor.disks = disks
            executor.relays = relays
            let steps = await executor.run(progress: progress)
            report.steps = steps.results
            report.timeline.spans = steps.spans
            if let seconds = drill.load.seconds {
                let remaining = Duration.seconds(seconds) - start.duration(to: .now)
                if remaining > .zero { try? await Task.sleep(for: remaining) }
            }
            stopLoad.request()
            // A message uncertain at the stop (its node away) is retried for a while: count what
            // was accepted once the load has ended, or one accepted last would not be waited for.
            await loading
            await waitForDelivery(record, from: start)
            stopSampling.request()
        }
        report.timeline.samples = samples.value
        report.timeline.health = health.value
        report.timeline.accepted = await record.acceptances
        let sent = await record.sent
        report.invariants = InvariantChecker.check(sent: sent, journals: await journals(), missed: missedRanges())
        (report.hashRevision, report.hashes) = await hashes()
        report.judge(drill.expectations)
        return report
    }

    /// The sending nodes (the load's selector, resolved once at the start).
    func resolveSenders() -> [String] {
        var generator = SeededGenerator(seed: seed)
        let names = spec.nodes.map(\.name)
        return (try? drill.load.senders.resolve(nodes: names, leader: nil, previous: [], using: &generator).get()) ?? names
    }

    /// Samples every node's delivered count until `stop`, ``sampleInterval`` apart.
    func sample(into samples: LockedValue<[DrillTimeline.Sample]>, from start: ContinuousClock.Instant, until stop: Interruption) async {
        await repeatUntil(stop, every: sampleInterval, into: samples) { await takeSample(from: start) }
    }

    /// Runs `headnet health`'s cluster checks until `stop`, one run after the other
    /// ``healthInterval`` apart. A run passes when no check fails but those the drill expects
    /// to: `messages missed` when it expects missed messages reported.
    func checkHealth(into checks: LockedValue<[DrillTimeline.HealthCheck]>, from start: ContinuousClock.Instant, until stop: Interruption) async {
        let expected: Set<String> = drill.expectations.missedReported ? [NodeHealth.messagesMissedCheck] : []
        await repeatUntil(stop, every: healthInterval, into: checks) {
            let began = start.duration(to: .now).inSeconds
            let failing = await cluster.roles.health().results.filter { $0.verdict == .fail && !expected.contains($0.check) }
            return DrillTimeline.HealthCheck(
                at: began, passed: failing.isEmpty,
                failing: failing.prefix(3).map { "\($0.check)\($0.subject.map { " " + $0 } ?? ""): \($0.evidence)" })
        }
    }

    /// Appends what `take` returns to `values` until `stop`, `interval` apart, and once more
    /// when `stop` is requested (the last value sees the state at the end).
    private func repeatUntil<Value: Sendable>(
        _ stop: Interruption, every interval: Duration, into values: LockedValue<[Value]>, _ take: () async -> Value
    ) async {
        while !Task.isCancelled {
            let stopping = stop.isRequested
            let value = await take()
            values.withLock { $0.append(value) }
            if stopping { return }
            try? await Task.sleep(for: interval)
        }
    }

    /// Every node's delivered count now (a node that does not answer is left out).
    func takeSample(from start: ContinuousClock.Instant) async -> DrillTimeline.Sample {
        var delivered: [String: Int] = [:]
        await withTaskGroup(of: (String, Int?).self) { group in
            for node in spec.nodes {
                group.addTask { (node.name, try? await cluster.roles.reader.status(of: node).delivered) }
            }
            for await (name, count) in group { if let count { delivered[name] = count } }
        }
        return DrillTimeline.Sample(at: start.duration(to: .now).inSeconds, delivered: delivered)
    }

    /// Waits (at most ``settle``) until every node has delivered as many messages as were accepted.
    func waitForDelivery(_ record: LoadRecord, from start: ContinuousClock.Instant) async {
        let accepted = await record.sent.filter { $0.outcome == .accepted }.count
        _ = await Polling.poll(every: .milliseconds(250), within: settle) { () -> Bool? in
            let sample = await takeSample(from: start)
            return spec.nodes.allSatisfy { (sample.delivered[$0.name] ?? -1) >= accepted } ? true : nil
        }
    }

    /// Every node's journal, read through its API.
    func journals() async -> [String: [JournalEntry]] {
        var journals: [String: [JournalEntry]] = [:]
        for node in spec.nodes {
            let body = (try? await cluster.api(for: node).messages(after: 0)) ?? Data()
            journals[node.name] = JournalLine.decodeAll(body)
        }
        return journals
    }

    /// The revision ranges each node reported missed, from its trace.
    func missedRanges() -> [String: [ClosedRange<Int64>]] {
        Dictionary(uniqueKeysWithValues: spec.nodes.map { node in (node.name, MissedRanges.read(cluster.nodes.traceFile(node))) })
    }

    /// Every member's HashKV at the lowest current revision among them.
    func hashes() async -> (Int64?, [ClusterEtcd.MemberHash]) {
        let probe = cluster.etcd
        var revisions: [Int64] = []
        for node in spec.nodes { if let revision = try? await probe.withMember(node, ClusterEtcd.revision) { revisions.append(revision) } }
        guard let revision = revisions.min() else { return (nil, []) }
        var hashes: [ClusterEtcd.MemberHash] = []
        for node in spec.nodes {
            do {
                hashes.append(.init(node: node.name, hash: try await probe.withMember(node) { try await ClusterEtcd.hash(at: revision, $0) }))
            } catch {
                hashes.append(.init(node: node.name, error: "\(error)"))
            }
        }
        return (revision, hashes)
    }
}
