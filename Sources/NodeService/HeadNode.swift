import Foundation
import HeadNetwork
import NodeAPIModel
import Hummingbird
import Logging
import ServiceLifecycle

/// One `headnet node` process: the network component (with its etcd child), the delivered
/// journal, metrics and the HTTP API, run as services in one group and stopped gracefully on
/// SIGINT/SIGTERM.
public final class HeadNode: Sendable {
    /// The node's configuration.
    public let configuration: NodeConfiguration
    /// The network component, carrying raw payloads.
    public let network: EtcdNetwork<PayloadCodec>
    /// The delivered journal.
    public let journal: DeliveredJournal
    /// The node's metrics.
    public let metrics: NodeMetrics
    let logger: Logger
    let trace: @Sendable (String) -> Void
    /// Held while the node exists: no second node on the same persistence directory.
    let lock: PersistenceLock
    /// The planted crash of tests (``SeededCrash``), nil otherwise.
    let seededCrash: SeededCrash?

    /// Locks and opens the node's persistence; nothing runs until ``run()``.
    ///
    /// - Throws: ``HeadNetwork/HeadNetworkError`` `persistence` when another node holds the
    ///   directory (see ``HeadNetwork/PersistenceLock``).
    ///
    /// - Parameter trace: receives each trace entry of the component as a JSON line; the
    ///   `Delivered` lines of one watch response come in one call, separated by newlines.
    public init(configuration: NodeConfiguration, logger: Logger = Logger(label: "headnet.node"), trace: @escaping @Sendable (String) -> Void) throws {
        lock = try PersistenceLock(directory: configuration.network.persistenceDirectory)
        let traceLines = trace
        let trace: @Sendable (String) -> Void = { trace(TraceLine.stamped($0)) }
        self.trace = trace
        self.configuration = configuration
        self.logger = logger
        let journal = try DeliveredJournal(directory: configuration.network.persistenceDirectory)
        let metrics = NodeMetrics(configuration: configuration, logger: logger)
        let ownSender = configuration.network.advertise.description
        let seededBug = SeededDeliveryBug.fromEnvironment()
        seededCrash = SeededCrash.fromEnvironment(persistenceDirectory: configuration.network.persistenceDirectory)
        self.journal = journal
        self.metrics = metrics
        network = try EtcdNetwork(
            configuration: configuration.network, codec: PayloadCodec(),
            tracer: { entry in
                metrics.record(entry)
                trace(entry.jsonLine)
            },
            logger: logger,
            onMessages: { batch in
                let batch = seededBug?.filter(batch) ?? batch
                do {
                    let appended = try await journal.append(batch.map(DeliveredJournal.Incoming.init))
                    metrics.recordDeliveries(appended: appended.count, dropped: batch.count - appended.count)
                    // One write for the response's lines: a line per message, thousands a second.
                    let time = TraceLine.timestamp(Date())
                    var lines: [String] = []
                    lines.reserveCapacity(appended.count)
                    for entry in appended {
                        if entry.batchIndex == 0 && entry.sender == ownSender { metrics.recordOwnDelivery(revision: entry.revision) }
                        lines.append(TraceLine.stamped(
                            TraceLine.delivered(index: entry.index, revision: entry.revision, sender: entry.sender, bytes: entry.payloadByteCount), time: time))
                    }
                    if !lines.isEmpty { traceLines(lines.joined(separator: "\n")) }
                } catch {
                    logger.error("cannot journal \(batch.count) delivered messages: \(error)")
                    throw error
                }
            },
            // The journal is synced behind the deliveries, before the last known revision moves.
            syncDelivered: { try await journal.sync() },
            onEvent: { event in
                metrics.recordEvent()
                logger.info("network event \(event.name)", metadata: ["event": "\(event)"])
            })
    }

    /// Queues a payload for broadcast unless the queue is full (see
    /// ``HeadNetwork/EtcdNetwork/offer(_:idempotencyKey:)``): a full queue refuses it at once,
    /// with the cause. With a key the node accepted before (within its window, across restarts)
    /// nothing is queued and the answer is ``HeadNetwork/BroadcastOffer/replayed(index:)``.
    public func broadcast(_ payload: [UInt8], idempotencyKey: IdempotencyKey? = nil) async throws -> BroadcastOffer {
        let arrived = ContinuousClock.now
        let offer = try await network.offer(payload, idempotencyKey: idempotencyKey?.bytes)
        switch offer {
        case .queued(let index):
            metrics.recordQueued(item: index, arrived: arrived)
            trace(TraceLine.broadcastQueued(bytes: payload.count))
            seededCrash?.broadcastQueued()
        case .refused:
            metrics.recordRefused()
        case .replayed(let index):
            metrics.recordReplay()
            logger.debug("broadcast replayed", metadata: ["idempotencyKey": "\(idempotencyKey?.value ?? "")", "queueIndex": "\(index)"])
        }
        return offer
    }

    /// The `/status` document.
    public func status() async -> NodeStatus {
        let network = self.network.status
        metrics.update(from: network)
        return NodeStatus(
            nodeID: configuration.nodeID, cluster: configuration.cluster, advertise: configuration.network.advertise.description,
            clientURL: configuration.network.clientURL, network: network,
            delivered: await journal.count, lastDelivered: await journal.last, messagesMissed: metrics.messagesMissed)
    }

    /// Runs the node until SIGINT/SIGTERM (or cancellation), then stops the API, the component
    /// and etcd in order.
    public func run() async throws {
        await network.stopLeftoverEtcd()
        let app = Application(
            router: NodeAPI.router(for: self),
            configuration: .init(address: .hostname(configuration.apiHost, port: configuration.apiPort), serverName: "headnet"),
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                // Shut down in reverse order: followers end, then the API, then the network. A
                // service that fails shuts the others down gracefully rather than cancelling
                // them: a cancelled HTTP server can trap on a connection accepted at that moment
                // (swift-nio: "Deinited NIOAsyncWriter without calling finish()"). The failure
                // is still what `run()` throws.
                services: [
                    .init(service: network, failureTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: app, failureTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: FollowerStopper(journal: journal, logger: logger), failureTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigint, .sigterm],
                logger: logger))
        do {
            try await group.run()
        } catch {
            await journal.close()
            throw error
        }
        await journal.close()
        logger.info("stopped")
    }
}

/// Ends `follow=true` readers when the node shuts down, so the HTTP server can finish.
struct FollowerStopper: Service {
    let journal: DeliveredJournal
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("shutting down: API, network component, then etcd")
        await journal.stopFollowers()
    }
}
