import EtcdAPI
import GRPCCore
import Logging
import Synchronization

/// An async etcd v3 client on grpc-swift-2.
///
/// It keeps one connection per endpoint. Calls go to a preferred endpoint; when that one fails
/// with a transient error (`unavailable`, or `deadlineExceeded` for reads) the call moves on to
/// the next endpoint until one answers or ``EtcdClientConfiguration/failoverTimeout`` passes.
/// Per-member calls (status, defragment, snapshot) name their endpoint.
///
/// The connections run while ``run()`` runs; use ``withClient(_:logger:_:)`` for a scoped client:
///
/// ```swift
/// try await EtcdClient.withClient(.init(endpoints: ["http://127.0.0.1:2379"])) { etcd in
///     try await etcd.put("greeting", "hello")
/// }
/// ```
public final class EtcdClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: EtcdClientConfiguration
    /// The parsed endpoints, in configuration order.
    public let endpoints: [EtcdEndpoint]
    let connections: [EtcdConnection]
    let logger: Logger
    private let routing = Mutex(Routing())

    /// Which endpoint calls go to, and whether it must first be checked for a live leader.
    private struct Routing {
        var preferred = 0
        /// Set when calls moved to `preferred` because endpoint `lost` failed; cleared by the
        /// first call that checks `preferred` has a leader other than the lost member.
        var lost: Int?
    }

    /// Creates a client; no connection is made until ``run()`` runs.
    ///
    /// - Throws: ``EtcdError`` with code `configuration` for an empty or malformed endpoint list
    ///   or unusable TLS settings.
    public init(_ configuration: EtcdClientConfiguration, logger: Logger = Logger(label: "headnet.etcd")) throws {
        guard !configuration.endpoints.isEmpty else {
            throw EtcdError(code: .configuration, message: "no etcd endpoints given; pass at least one client URL such as http://127.0.0.1:2379")
        }
        self.configuration = configuration
        self.logger = logger
        self.endpoints = try configuration.endpoints.map(EtcdEndpoint.init(parsing:))
        self.connections = try endpoints.map { try EtcdConnection(endpoint: $0, tls: configuration.tls) }
    }

    /// Runs the connections until ``shutdown()`` is called or the task is cancelled.
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for connection in connections {
                group.addTask { try await connection.grpc.runConnections() }
            }
        }
    }

    /// Closes every connection once its in-flight calls have finished; ``run()`` then returns.
    public func shutdown() {
        for connection in connections { connection.grpc.beginGracefulShutdown() }
    }

    /// Runs `body` with a connected client and shuts the client down afterwards, also when
    /// `body` throws.
    public static func withClient<Result: Sendable>(
        _ configuration: EtcdClientConfiguration,
        logger: Logger = Logger(label: "headnet.etcd"),
        _ body: (EtcdClient) async throws -> Result
    ) async throws -> Result {
        let client = try EtcdClient(configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            do {
                let result = try await body(client)
                client.shutdown()
                try await group.waitForAll()
                return result
            } catch {
                client.shutdown()
                group.cancelAll()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    /// The endpoint calls currently go to first.
    public var preferredEndpoint: EtcdEndpoint { endpoints[routing.withLock { $0.preferred }] }

    /// Index of the endpoint with this URL, or nil.
    public func index(of endpoint: String) -> Int? {
        guard let parsed = try? EtcdEndpoint(parsing: endpoint) else { return nil }
        return endpoints.firstIndex { $0.host == parsed.host && $0.port == parsed.port }
    }

    /// Call options with the configured deadline and message limits.
    func callOptions(timeout: Duration? = nil) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = timeout ?? configuration.requestTimeout
        options.waitForReady = false
        // grpc-swift-nio-transport 2.9.2 applies maxRequestMessageBytes to *received* messages.
        let limit = max(configuration.maxReceiveMessageBytes, configuration.maxSendMessageBytes)
        options.maxRequestMessageBytes = limit
        options.maxResponseMessageBytes = limit
        return options
    }

    /// The connection calls should use now.
    func currentConnection() -> (index: Int, connection: EtcdConnection) {
        let index = routing.withLock { $0.preferred }
        return (index, connections[index])
    }

    /// Moves the preferred endpoint past `index` (if nobody else moved it already); the next
    /// call checks the new endpoint for a live leader first.
    func failedOver(from index: Int) {
        routing.withLock { routing in
            if routing.preferred == index {
                routing.preferred = (index + 1) % connections.count
                routing.lost = index
            }
        }
    }

    /// After a failover: waits (bounded) until `index` knows a leader other than the lost member.
    private func checkLeaderAfterFailover(at index: Int, until deadline: ContinuousClock.Instant) async {
        let lost: Int? = routing.withLock { routing in
            guard routing.preferred == index, let lost = routing.lost else { return nil }
            routing.lost = nil
            return lost
        }
        if let lost { await waitForLeader(at: index, lost: lost, until: deadline) }
    }

    /// Runs one call with failover.
    ///
    /// - Parameters:
    ///   - operation: name used in errors and logs.
    ///   - mutation: whether the call changes state (then only `unavailable` is retried).
    ///   - endpoint: run on this endpoint only, without failover.
    func perform<Result: Sendable>(
        _ operation: String,
        mutation: Bool,
        endpoint: Int? = nil,
        timeout: Duration? = nil,
        _ call: (EtcdConnection, CallOptions) async throws -> Result
    ) async throws -> Result {
        // A call from a task already cancelled is not made at all.
        if Task.isCancelled { throw EtcdError(code: .cancelled, message: "the calling task was cancelled", operation: operation) }
        let options = callOptions(timeout: timeout)
        if let endpoint {
            guard connections.indices.contains(endpoint) else {
                throw EtcdError(code: .configuration, message: "no endpoint number \(endpoint); the client has \(connections.count)", operation: operation)
            }
            let connection = connections[endpoint]
            do {
                return try await call(connection, options)
            } catch {
                throw EtcdError.from(error, operation: operation, endpoint: connection.endpoint.description)
            }
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: configuration.failoverTimeout)
        var attempts = 0
        var pause = Duration.milliseconds(50)
        while true {
            let (index, connection) = currentConnection()
            await checkLeaderAfterFailover(at: index, until: deadline)
            do {
                return try await call(connection, options)
            } catch {
                let failure = EtcdError.from(error, operation: operation, endpoint: connection.endpoint.description)
                guard failure.isTransient, !Task.isCancelled else { throw failure }
                failedOver(from: index)
                // A learner refuses a call before it does anything: a mutation it refused is safe to send elsewhere.
                let retriable = !mutation || failure.code == .learner || (failure.code == .unavailable && configuration.retryMutationsOnUnavailable)
                guard retriable, clock.now < deadline, !Task.isCancelled else { throw failure }
                logger.debug("etcd call failed, trying the next endpoint", metadata: [
                    "operation": "\(operation)", "endpoint": "\(connection.endpoint)", "error": "\(failure.message)",
                ])
                attempts += 1
                if attempts % connections.count == 0 {
                    // Every endpoint failed once: back off before the next round.
                    try await Task.sleep(for: pause)
                    pause = min(pause * 2, .seconds(1))
                }
            }
        }
    }

    /// Before a call moves to endpoint `candidate` because endpoint `lost` failed: wait (bounded)
    /// until `candidate` knows a leader other than the member behind `lost`.
    ///
    /// A follower keeps forwarding proposals to a dead leader until it notices the loss; such a
    /// proposal is dropped and the call hangs until its deadline. Asking the follower's status
    /// (answered locally, without quorum) avoids that. Best effort: any failure here just lets
    /// the next attempt run and report its own error.
    func waitForLeader(at candidate: Int, lost: Int, until deadline: ContinuousClock.Instant) async {
        guard candidate != lost else { return }
        let connection = connections[candidate]
        let options = callOptions(timeout: .seconds(1))
        // A member that still answers (e.g. with "unhealthy cluster") is not lost.
        let probe = callOptions(timeout: .milliseconds(500))
        if (try? await connections[lost].maintenance.status(Etcdserverpb_StatusRequest(), options: probe)) != nil {
            return
        }
        let lostEndpoint = endpoints[lost]
        var lostID: UInt64?
        var membersKnown = false
        let clock = ContinuousClock()
        while clock.now < deadline, !Task.isCancelled {
            if !membersKnown,
                let members = try? await connection.cluster.memberList(Etcdserverpb_MemberListRequest(), options: options)
            {
                membersKnown = true
                lostID = members.members.first { member in
                    member.clientUrls.contains { url in
                        guard let parsed = try? EtcdEndpoint(parsing: url) else { return false }
                        return parsed.host == lostEndpoint.host && parsed.port == lostEndpoint.port
                    }
                }?.id
            }
            do {
                let status = try await connection.maintenance.status(Etcdserverpb_StatusRequest(), options: options)
                if membersKnown, status.leader != 0, status.leader != lostID { return }
            } catch {
                // The candidate is down as well: let the next attempt fail fast and move on.
                if EtcdError.from(error, operation: "status", endpoint: nil).code == .unavailable { return }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
