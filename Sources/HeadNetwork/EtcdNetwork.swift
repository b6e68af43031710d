import CBOR
import EtcdClient
import Foundation
import HeadnetCore
import Logging
import Processes
import ServiceLifecycle

/// Hydra's etcd network component (`withEtcdNetwork`): runs an etcd member as a child process,
/// broadcasts the application's messages through it and delivers everyone's messages back, with
/// connectivity and version events.
///
/// ```swift
/// let network = try EtcdNetwork(configuration: config, codec: PayloadCodec(), tracer: { print($0.jsonLine) },
///                               onMessage: { delivered in … }, onEvent: { event in … })
/// try await network.run()          // until cancelled or graceful shutdown
/// try await network.broadcast(message)   // from another task
/// ```
///
/// Guarantees: per sender in order, at least once; the revision and batch index handed to
/// `onMessage` let the application drop repeats after a crash. The last known revision is
/// persisted *after* delivery.
public final class EtcdNetwork<Codec: MessageCodec>: Service, Sendable {
    /// Called for each delivered message, in order.
    public typealias MessageHandler = @Sendable (Delivered<Codec.Message>) async -> Void
    /// Called with the messages of one watch response, in order (the last known revision is
    /// persisted after it returns, or after the application's `syncDelivered`): an application
    /// can make them durable with one write. When it throws, the node stops without recording
    /// them as delivered (a restart delivers them again).
    public typealias MessagesHandler = @Sendable ([Delivered<Codec.Message>]) async throws -> Void
    /// Called for each network event.
    public typealias EventHandler = @Sendable (NetworkEvent) async -> Void

    /// The node's configuration.
    public let configuration: EtcdNetworkConfiguration
    /// The etcd child's description.
    public let etcd: EtcdProcess
    let codec: Codec
    let tracer: EtcdTracer
    let onMessages: MessagesHandler
    let onEvent: EventHandler
    let queue: PersistentQueue
    let revisions: RevisionStore
    /// Writes the revision behind the application's sync, when it gave one.
    let checkpoint: RevisionCheckpoint?
    let logger: Logger
    let state = LockedValue(NetworkStatus())

    /// Opens the node's persistence (queue, revision file) and validates the configuration;
    /// nothing runs until ``run()``. `onMessage` is called once per delivered message.
    public convenience init(
        configuration: EtcdNetworkConfiguration, codec: Codec, tracer: @escaping EtcdTracer = { _ in },
        logger: Logger = Logger(label: "headnet.network"),
        onMessage: @escaping MessageHandler, onEvent: @escaping EventHandler = { _ in }
    ) throws {
        try self.init(
            configuration: configuration, codec: codec, tracer: tracer, logger: logger,
            onMessages: { batch in for delivered in batch { await onMessage(delivered) } }, onEvent: onEvent)
    }

    /// Opens the node's persistence (queue, revision file) and validates the configuration;
    /// nothing runs until ``run()``. `onMessages` is called once per watch response with its
    /// messages (never with none).
    ///
    /// - Parameter syncDelivered: makes everything `onMessages` took so far durable (an
    ///   fdatasync). When given, `onMessages` may return as soon as the messages are written
    ///   (the page cache), and the last known revision is written only after this returned,
    ///   at most every ``RevisionStore/syncDelay`` and when the component stops (see
    ///   ``RevisionCheckpoint``); a restart after a crash delivers the messages of that last
    ///   stretch again. Without it, `onMessages` must make them durable before it returns and
    ///   the revision is written after each response.
    public init(
        configuration: EtcdNetworkConfiguration, codec: Codec, tracer: @escaping EtcdTracer = { _ in },
        logger: Logger = Logger(label: "headnet.network"),
        onMessages: @escaping MessagesHandler, syncDelivered: (@Sendable () async throws -> Void)? = nil,
        onEvent: @escaping EventHandler = { _ in }
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.etcd = EtcdProcess(configuration: configuration)
        self.codec = codec
        self.tracer = tracer
        self.logger = logger
        self.onMessages = onMessages
        self.onEvent = onEvent
        let revisions = RevisionStore(directory: configuration.persistenceDirectory)
        self.revisions = revisions
        self.checkpoint = syncDelivered.map { RevisionCheckpoint(store: revisions, barrier: $0) }
        self.queue = try PersistentQueue(
            directory: configuration.persistenceDirectory.appendingPathComponent(NodeStateFiles.queue),
            capacity: configuration.queueCapacity,
            legacyMarker: configuration.persistenceDirectory.appendingPathComponent(NodeStateFiles.legacyInFlightMarker),
            keyArchive: configuration.persistenceDirectory.appendingPathComponent(NodeStateFiles.idempotencyKeys),
            keyWindow: configuration.idempotencyWindow
        ) { bytes in
            var decoder = CBORDecoder(bytes)
            _ = try codec.decode(from: &decoder)
            guard decoder.isAtEnd else { throw CBORError(.trailingBytes, at: decoder.offset, "bytes after the message") }
        }
        let lastKnown = try revisions.load()
        state.withLock { $0.lastKnownRevision = lastKnown }
    }

    /// Queues a message for broadcast; suspends while the queue is full. When this returns the
    /// message is safe: fdatasynced in the queue (sent even if the node crashes before it is)
    /// or already committed by etcd, whichever came first.
    ///
    /// - Returns: the message's queue index (``EtcdLog/broadcastSent(messages:revision:firstItem:)``
    ///   names the batch that carried it by these indices).
    /// - Throws: ``HeadNetworkError`` `persistence` when the queue could not be synced to disk
    ///   (the component stops then; the message may still be sent).
    @discardableResult
    public func broadcast(_ message: Codec.Message) async throws -> UInt64 {
        let tracer = self.tracer
        return try await queue.write(codec.encode(message), onFull: { tracer(.persistentQueueFull) }).index
    }

    /// Queues a message for broadcast unless the queue is full, without waiting: a full queue
    /// refuses it at once with the cause (nothing is kept, so a sender that retries later never
    /// duplicates it, and what is queued keeps the order it arrived in). Otherwise as
    /// ``broadcast(_:)``.
    ///
    /// With an `idempotencyKey` (1–255 bytes), a message whose key was accepted before (within
    /// the last ``EtcdNetworkConfiguration/idempotencyWindow`` keys, across restarts) is not
    /// queued again: the answer is ``BroadcastOffer/replayed(index:)``. See
    /// ``PersistentQueue/offer(_:key:onFirstRefusal:)`` for how the key stays durable with its
    /// message.
    ///
    /// - Throws: as ``broadcast(_:)``.
    public func offer(_ message: Codec.Message, idempotencyKey: [UInt8]? = nil) async throws -> BroadcastOffer {
        let tracer = self.tracer
        switch try await queue.offer(codec.encode(message), key: idempotencyKey, onFirstRefusal: { tracer(.persistentQueueFull) }) {
        case .queued(let item): return .queued(index: item.index)
        case .full(let load): return .refused(QueueFull.diagnose(load, status: status))
        case .replayed(let index): return .replayed(index: index)
        }
    }

    /// The current state (the queue's figures as of now).
    public var status: NetworkStatus {
        var status = state.withLock { $0 }
        let load = queue.load
        status.queueDepth = load.depth
        status.queueCapacity = load.capacity
        status.queueOldestWaitSeconds = load.oldestWaitSeconds()
        return status
    }

    /// Runs etcd and the component until cancelled or asked to shut down gracefully; then stops
    /// etcd (SIGINT to its process group, SIGTERM after 5 s, SIGKILL after 5 s more).
    ///
    /// - Throws: when etcd exits on its own, or on a non-transient etcd error.
    public func run() async throws {
        await stopLeftoverEtcd()
        let joining = configuration.joinsExistingCluster && !etcd.hasExistingMember
        let child = try await startEtcd()
        try? etcdPIDFile.write(child.pid)
        if configuration.dialURL != configuration.clientURL {
            logger.notice("dialing etcd at \(configuration.dialURL) instead of \(configuration.clientURL) (a drill's relay)")
        }
        let client = try EtcdClient(
            EtcdClientConfiguration(
                endpoints: [configuration.dialURL], tls: configuration.clientTLS, requestTimeout: .seconds(3), failoverTimeout: .zero),
            logger: logger)
        defer { client.shutdown() }
        // The client's connections run in a task of their own, which the component's cancellation
        // does not reach: when the component stops, its calls are cancelled first, on live
        // connections, and the client is shut down after (below). Stopping the connections under
        // calls still being made can leave a call of grpc-swift-2 waiting for ever, deaf to
        // cancellation and to its deadline, and the node would never exit. Swift has no child task
        // that its parent's cancellation skips, hence this one unstructured task; it never outlives
        // `run()`: a task of the group below waits for it, and what cuts the connections 2 s after
        // the component stopped is a child task of its own (``StopGrace``).
        let (stopping, componentStopped) = AsyncStream<Never>.makeStream()
        let connections = Task { try await StopGrace.run({ try await client.run() }, stopping: stopping, grace: .seconds(2)) }
        defer { connections.cancel() }
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        // etcd's output ends when it exits: trace every line, then report the exit.
                        let lastLines = await self.follow(etcdLog: child.lines)
                        guard let status = await child.waitForExit() else { return }
                        throw HeadNetworkError(.etcdProcess, self.etcdExitMessage(status, lastLines: lastLines, joining: joining), operation: "etcd")
                    }
                    // The connections' task (see above), which the group's cancellation does not reach.
                    group.addTask { try await connections.value }
                    group.addTask { try await self.checkVersion(client) }
                    group.addTask { try await self.pollConnectivity(client) }
                    group.addTask { try await self.pollEtcdFigures(client) }
                    group.addTask { try await self.waitMessages(client) }
                    if let checkpoint = self.checkpoint { group.addTask { try await checkpoint.run() } }
                    // The queue's fdatasyncs, while the sender pops: a write whose item was sent
                    // first returns then, its fdatasync still under way.
                    group.addTask { await self.queue.runSyncLoop() }
                    group.addTask { try await self.broadcastMessages(client) }
                    // The first task to fail (or cancellation) ends the component: its calls
                    // are cancelled, the connections close once those calls have ended, and
                    // are cut after 2 s if one has not.
                    defer {
                        group.cancelAll()
                        client.shutdown()
                        componentStopped.finish()
                    }
                    while let _ = try await group.next() {}
                }
            }
        } catch {
            await flushRevision()
            await stop(child)
            if error is CancellationError || Task.isCancelled { return }
            throw error
        }
        await flushRevision()
        await stop(child)
    }

    /// Writes the last delivered revision behind the application's sync, once the tasks ended.
    private func flushRevision() async {
        do {
            try await checkpoint?.flush()
        } catch {
            logger.error("the last known revision was not written on stop (the messages after the one on disk are delivered again): \(error)")
        }
    }

    private func stop(_ child: ChildProcess) async {
        let status = await child.stop()
        etcdPIDFile.remove()
        logger.debug("etcd stopped: \(status)")
    }

    /// `<persistence>/etcd.pid`: the running etcd child, for ``stopLeftoverEtcd()``.
    var etcdPIDFile: PIDFile { PIDFile(configuration.persistenceDirectory.appendingPathComponent(NodeStateFiles.etcdPID)) }

    /// Stops an etcd left running by a previous run of this node that was killed (SIGKILL
    /// leaves the child, which has its own process group). ``run()`` does this first; call it
    /// earlier to free the ports before other services of the process start.
    public func stopLeftoverEtcd() async {
        let markers = [etcd.dataDirectory.path] + (configuration.etcdConfigFile.map { [$0.path] } ?? [])
        if let stale = await StaleEtcd(pidFile: etcdPIDFile, markers: markers).reap() {
            logger.warning("stopped etcd pid \(stale) left over from a node that did not shut down")
        }
    }

    private func startEtcd() async throws -> ChildProcess {
        do {
            try FileManager.default.createDirectory(at: etcd.dataDirectory.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw HeadNetworkError(.persistence, "cannot create \(etcd.dataDirectory.deletingLastPathComponent().path)", cause: error)
        }
        do {
            return try await ChildProcess.start(
                ProcessSpec(
                    configuration.etcdBinary, etcd.arguments, environment: etcd.environment().mapValues { $0 },
                    missingHint: "install etcd (apt-get install etcd-server) or set the etcd binary path"),
                output: .lines, stop: .graceful(.seconds(5)))
        } catch {
            throw HeadNetworkError(.etcdProcess, "etcd did not start", operation: "etcd", cause: error)
        }
    }

    /// Traces etcd's log lines, notes when it serves clients, and reports a cluster-ID mismatch
    /// (once per run: etcd repeats it for every request). Returns the last five lines once the
    /// output ends.
    private func follow(etcdLog lines: AsyncStream<String>) async -> [String] {
        var reported = false
        var lastLines: [String] = []
        for await line in lines {
            lastLines.append(line)
            if lastLines.count > 5 { lastLines.removeFirst() }
            if EtcdServerLog.isReady(line) { state.withLock { $0.etcdReady = true } }
            switch EtcdProcess.classify(line) {
            case .log(let json): tracer(.etcdLog(json: json))
            case .notJSON(let text, let reason): tracer(.failedToDecodeLog(log: text, reason: reason))
            case .clusterIDMismatch:
                tracer(line.hasPrefix("{") ? .etcdLog(json: line) : .failedToDecodeLog(log: line, reason: "not a JSON object"))
                guard !reported else { continue }
                reported = true
                logger.error("\(etcd.clusterIDMismatchAdvice)")
                await emit(.clusterIDMismatch(peers: etcd.initialCluster))
            }
        }
        return lastLines
    }

    /// What to say when etcd exits without being asked: the binary, how it ended, its last lines;
    /// when it was `joining` a running cluster on an empty data directory, what that needs.
    func etcdExitMessage(_ status: ExitStatus, lastLines lines: [String], joining: Bool = false) -> String {
        let last = lines.isEmpty ? "it wrote nothing to stderr" : "its last lines (all are EtcdLog lines in the trace):\n" + lines.joined(separator: "\n")
        let advice = joining
            ? "\nThis node joins a running cluster (it is not one of the founding members that name the data directories): "
                + "its etcd needs the other members up and this node added to their member list (`headnet member add`). "
                + "To found a new cluster from the current nodes instead (after `headnet down --purge`), delete `initialCluster:` from the spec."
            : ""
        return "etcd (\(configuration.etcdBinary)) stopped on its own: \(status); \(last)\(advice)"
    }

    func emit(_ event: NetworkEvent) async {
        tracer(.networkEvent(event))
        await onEvent(event)
    }
}
