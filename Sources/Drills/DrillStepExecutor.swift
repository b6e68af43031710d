import EtcdClient
import ClusterSpec
import Foundation
import HeadnetCore
import Orchestrator

/// Runs a drill's steps one after the other on the cluster's roles: resolves each step's
/// nodes when it runs (the leader then, seeded random picks), does what it says, and records
/// its result and, for faults, the span from the fault to its recovery step.
struct DrillStepExecutor: Sendable {
    let drill: Drill
    let cluster: LocalClusterRunner
    let seed: UInt64
    /// When the load began (step times count from it).
    let start: ContinuousClock.Instant
    var skipUnsupported = false
    /// The nodes' namespaces, for network faults (nil: the nodes run in this machine's network).
    var network: DrillNetwork?
    /// The nodes' disks, for `fill-disk` (nil: their state is on this machine's disk).
    var disks: DrillDisks?
    /// The relays in front of the nodes' etcd client ports, by node name (`settings-burst`).
    var relays: [String: SettingsBurstRelay] = [:]
    /// How long `settings-burst` waits for a node's etcd connection to close and a new one to open.
    var reconnectWithin: Duration = .seconds(15)

    /// What the steps did and the fault spans.
    struct Outcome {
        var results: [DrillReport.StepResult] = []
        var spans: [DrillTimeline.Span] = []
    }

    /// Why this machine cannot run `action` (yet), or nil; `namespaces` when the nodes run in
    /// network namespaces of their own, `disks` when on disks of their own, `tls` when etcd
    /// serves its clients over TLS.
    static func unsupported(_ action: DrillAction, namespaces: Bool, disks: Bool, tls: Bool = false) -> String? {
        switch action {
        case .partition, .delay, .loss, .reorder, .heal:
            namespaces ? nil : "network faults need a network namespace per node (root, iproute2 and tc)"
        case .fillDisk, .freeDisk: disks ? nil : DrillDisks.unsupportedReason() ?? "the nodes have no disks of the drill's"
        case .settingsBurst where namespaces:
            "the SETTINGS burst relays a node's etcd connection on this machine's loopback, which nodes in network namespaces do not share"
        case .settingsBurst where tls: "the SETTINGS burst needs plaintext etcd client connections (`tls: off`, or `auto` on loopback)"
        default: nil
        }
    }

    /// The kind of step that recovers from `action`'s fault (its span ends there); nil for a
    /// fault that ends with its own step.
    static func recovery(of action: DrillAction) -> String? {
        switch action {
        case .kill: "start"
        case .pause: "resume"
        case .removeMember: "add-member"
        case .partition, .delay, .loss, .reorder: "heal"
        case .fillDisk: "free-disk"
        default: nil
        }
    }

    func run(progress: @Sendable (String) -> Void) async -> Outcome {
        var outcome = Outcome()
        var generator = SeededGenerator(seed: seed)
        var previous: [String] = []
        var open: [(span: Int, recovery: String, nodes: Set<String>)] = []
        let names = cluster.spec.nodes.map(\.name)
        for step in drill.steps {
            let began = start.duration(to: .now).inSeconds
            var nodes: [String] = []
            if let selector = step.action.selector {
                let leader = selector.needsLeader ? await cluster.roles.reader.leader(among: cluster.spec.nodes) : nil
                switch selector.resolve(nodes: names, leader: leader, previous: previous, using: &generator) {
                case .success(let picked): nodes = picked
                case .failure(let reason):
                    outcome.results.append(.init(path: step.path, kind: step.action.kind, start: began, end: began, ok: false, message: "\(reason)"))
                    progress("✗ \(step.path) \(step.action.kind): \(reason)")
                    continue
                }
                previous = nodes
            }
            let (ok, message): (Bool, String)
            let unsupportedReason = unsupported(step.action)
            if let reason = unsupportedReason {
                (ok, message) = (skipUnsupported, "skipped: \(reason)")
            } else {
                (ok, message) = await perform(step.action, on: nodes)
            }
            let ended = start.duration(to: .now).inSeconds
            outcome.results.append(.init(path: step.path, kind: step.action.kind, nodes: nodes, start: began, end: ended, ok: ok, message: message))
            progress("\(ok ? "✓" : "✗") \(String(format: "%6.1fs", began)) \(step.action.kind) \(nodes.joined(separator: ",")): \(message)")
            if step.action.isFault, unsupportedReason == nil, !message.hasPrefix("skipped") {
                let label = ([step.action.kind] + (step.action.selector.map { ["\($0)"] } ?? []) + (nodes.isEmpty ? [] : ["(\(nodes.joined(separator: ",")))"]))
                    .joined(separator: " ")
                outcome.spans.append(.init(label: label, start: began, end: Self.recovery(of: step.action) == nil ? ended : nil))
                if let recovery = Self.recovery(of: step.action) { open.append((outcome.spans.count - 1, recovery, Set(nodes))) }
            }
            open.removeAll { entry in
                guard entry.recovery == step.action.kind, !entry.nodes.isDisjoint(with: nodes) else { return false }
                outcome.spans[entry.span].end = ended
                return true
            }
        }
        return outcome
    }

    /// Does `action` to `nodes`; whether it did, and what happened.
    func perform(_ action: DrillAction, on nodes: [String]) async -> (Bool, String) {
        let specs = nodes.compactMap { name in cluster.spec.nodes.first { $0.name == name } }
        let orchestrator = Orchestrator(runner: cluster.roles)
        switch action {
        case .wait(let seconds):
            try? await Task.sleep(for: .seconds(seconds))
            return (true, "waited \(DrillReport.seconds(seconds))")
        case .kill(_, let signal, let process):
            return await send(signal.number, signal.rawValue, to: specs, process)
        case .pause(_, let process):
            return await send(SIGSTOP, "STOP", to: specs, process)
        case .resume(_, let process):
            return await send(SIGCONT, "CONT", to: specs, process)
        case .start:
            // At once: a node becomes ready only with a quorum, which may need the others too.
            let started = await withTaskGroup(of: (String, String?).self) { group in
                for node in specs { group.addTask { (node.name, await start(node, orchestrator: orchestrator)) } }
                return await group.reduce(into: [String: String?]()) { $0[$1.0] = $1.1 }
            }
            let failures = nodes.compactMap { started[$0] ?? nil }
            guard failures.isEmpty else { return (false, failures.joined(separator: "; ")) }
            return (true, nodes.map { "\($0) is ready" }.joined(separator: "; "))
        case .restart, .rollingRestart:
            let restarting = action == .rollingRestart ? cluster.spec.nodes.map(\.name) : nodes
            switch await orchestrator.restart(restarting, settleSeconds: 10, report: { _ in }) {
            case .success(let done):
                let what = action == .rollingRestart ? "every node, the leader last" : nodes.joined(separator: ", ")
                return (done.succeeded, done.succeeded ? "restarted \(what)" : "\(done.failedStep?.kind ?? "a step") failed")
            case .failure(let error): return (false, error.message)
            }
        case .revokeLease:
            var lines: [String] = []
            for node in specs {
                do {
                    let lease = try await withAnyMember { try await ClusterEtcd.revokeAliveLease(of: node.advertise.description, $0) }
                    lines.append(lease.map { "revoked \(node.name)'s lease \(String($0, radix: 16))" } ?? "\(node.name) had no alive- key")
                } catch {
                    return (false, "cannot revoke \(node.name)'s lease: \(error)")
                }
            }
            return (true, lines.joined(separator: "; "))
        case .compact:
            do {
                return (true, "compacted to revision \(try await withAnyMember(ClusterEtcd.compactToCurrentRevision))")
            } catch {
                return (false, "cannot compact: \(error)")
            }
        case .deleteRevisionFile:
            for node in specs {
                let file = cluster.layout.nodeDirectory(node).appendingPathComponent(NodeStateFiles.lastKnownRevision)
                if await cluster.nodes.isRunning(node) { return (false, "\(node.name) runs: stop it (kill) before deleting its last-known-revision") }
                try? FileManager.default.removeItem(at: file)
            }
            return (true, "deleted the last-known-revision of \(nodes.joined(separator: ", "))")
        case .partition, .delay, .loss, .reorder:
            guard let network, let fault = DrillNetwork.fault(of: action) else { return (false, Self.unsupported(action, namespaces: false, disks: disks != nil) ?? "") }
            for node in specs {
                do {
                    try await network.apply(fault, to: node)
                } catch let error as OrchestratorError where error.code == .unsupported && skipUnsupported {
                    return (true, "skipped: \(error.message)")
                } catch {
                    return (false, "cannot put \(action.kind) on \(node.name): \(error)")
                }
            }
            return (true, "\(action.kind) on \(nodes.joined(separator: ", "))'s peer traffic")
        case .heal:
            guard let network else { return (false, Self.unsupported(action, namespaces: false, disks: disks != nil) ?? "") }
            for node in specs { await network.network.heal(node.name) }
            return (true, "healed \(nodes.joined(separator: ", "))")
        case .fillDisk, .freeDisk:
            guard let disks else { return (false, unsupported(action) ?? "") }
            var lines: [String] = []
            for node in nodes {
                func mebibytes(_ bytes: Int64) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
                do throws(DrillError) {
                    if case .fillDisk = action {
                        lines.append("filled \(node)'s disk (\(mebibytes(try disks.fill(node))) written)")
                    } else {
                        lines.append("freed \(mebibytes(try disks.free(node))) on \(node)'s disk")
                    }
                } catch {
                    return (false, error.message)
                }
            }
            return (true, lines.joined(separator: "; "))
        case .removeMember:
            return await removeMembers(specs)
        case .addMember:
            return await addMembers(specs, orchestrator: orchestrator)
        case .settingsBurst(_, let frames):
            var lines: [String] = []
            for node in specs {
                let (ok, line) = await burst(frames, on: node.name)
                guard ok else { return (false, line) }
                lines.append(line)
            }
            return (true, lines.joined(separator: "; "))
        }
    }

    /// Starts `node` and waits until it is ready (the `start` step, and `add-member`'s start):
    /// nil when it is, else why not, with the failed step's message.
    func start(_ node: NodeSpec, orchestrator: Orchestrator) async -> String? {
        let failures = LockedValue<[String]>([])
        let report: @Sendable (StepReport) async -> Void = { step in if step.outcome == .failed { failures.withLock { $0.append(step.message) } } }
        switch await orchestrator.start(node.name, timeoutSeconds: 60, report: report) {
        case .success(let done) where done.succeeded: return nil
        case .success(let done):
            return "\(node.name) did not start: \(done.failedStep?.kind ?? "interrupted") failed" + (failures.value.first.map { ": \($0)" } ?? "")
        case .failure(let error): return "\(node.name) did not start: \(error.message)"
        }
    }

    /// ``unsupported(_:namespaces:disks:tls:)`` on this executor's namespaces, disks and cluster.
    func unsupported(_ action: DrillAction) -> String? {
        Self.unsupported(action, namespaces: network != nil, disks: disks != nil, tls: cluster.spec.tlsEnabled)
    }

    /// Sends a signal to the nodes' `process`.
    func send(_ signal: Int32, _ name: String, to nodes: [NodeSpec], _ process: DrillAction.Process) async -> (Bool, String) {
        var lines: [String] = []
        for node in nodes {
            for etcd in [false, true] where process == .both || (process == .etcd) == etcd {
                let what = etcd ? "\(node.name)'s etcd" : "\(node.name)'s node"
                if let pid = await cluster.nodes.signal(node, signal, etcd: etcd) {
                    lines.append("SIG\(name) to \(what) (pid \(pid))")
                } else {
                    lines.append("\(what) was not running")
                }
            }
        }
        return (true, lines.joined(separator: "; "))
    }

    /// Sends `frames` SETTINGS frames on each of `node`'s etcd connections (through its relay)
    /// and waits (at most ``reconnectWithin``) for them to close and a new one to open.
    func burst(_ frames: Int, on node: String) async -> (Bool, String) {
        guard let relay = relays[node] else { return (false, "\(node)'s etcd connection does not go through a relay") }
        let sent = ContinuousClock.now
        let injection = await relay.inject(frames: frames)
        guard let newest = injection.connections.max() else {
            return (false, "\(node)'s node has no etcd connection through its relay (127.0.0.1:\(relay.port)): is it running?")
        }
        let count = injection.connections.count
        let what = "sent \(frames * count) SETTINGS frames on \(node)'s etcd connection (\(count) connection\(count == 1 ? "" : "s"))"
        let reconnected = await Polling.poll(every: .milliseconds(50), within: reconnectWithin) { () -> Duration? in
            let open = relay.openConnections
            return Set(open).isDisjoint(with: injection.connections) && open.contains { $0 > newest } ? sent.duration(to: .now) : nil
        }
        guard let reconnected else {
            let open = Set(relay.openConnections).intersection(injection.connections).count
            return (true, "\(what); \(open == count ? "it stayed open" : "it closed, and no new one opened") within \(DrillReport.seconds(reconnectWithin.inSeconds))")
        }
        let codes = Set(injection.connections.compactMap(relay.goAwayCode(of:)))
        let goAway = codes.isEmpty ? "without a GOAWAY from the node" : "GOAWAY " + codes.sorted().map(Self.http2ErrorName).joined(separator: ", ") + " from the node"
        return (true, "\(what); it closed (\(goAway)) and the node reconnected after \(DrillReport.seconds(reconnected.inSeconds))")
    }

    /// An HTTP/2 error code's name (RFC 9113 §7), or its number.
    static func http2ErrorName(_ code: UInt32) -> String {
        let names = [
            "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR",
            "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
        ]
        return code < names.count ? names[Int(code)] : "error \(code)"
    }

    /// Runs `body` on the first member that answers.
    func withAnyMember<T: Sendable>(_ body: (EtcdClient) async throws -> T) async throws -> T {
        var last: (any Error)?
        for node in cluster.spec.nodes {
            do { return try await cluster.etcd.withMember(node, requestTimeout: .seconds(5), body) } catch { last = error }
        }
        throw last ?? OrchestratorError(.nodeDown, "no etcd member answers")
    }
}

extension NodeSelector {
    /// Whether resolving it needs to know the leader.
    var needsLeader: Bool { self == .leader || self == .follower || self == .followers }
}

extension DrillAction.Signal {
    /// The signal's number.
    var number: Int32 {
        switch self {
        case .kill: SIGKILL
        case .term: SIGTERM
        case .int: SIGINT
        case .quit: SIGQUIT
        }
    }
}
