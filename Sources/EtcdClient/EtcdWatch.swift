import EtcdAPI
import Foundation
import GRPCCore
import HeadnetCore

/// One change delivered by a watch.
public struct EtcdWatchEvent: Sendable, Hashable {
    /// Whether the key was written or deleted.
    public enum Kind: Sendable, Hashable {
        /// The key was created or updated.
        case put
        /// The key was deleted (or its lease expired).
        case delete
    }

    /// What happened.
    public var kind: Kind
    /// The key-value after the change (for a delete: the key, with the deletion's mod revision).
    public var kv: EtcdKeyValue
    /// The key-value before the change, when the watch asked for it.
    public var previous: EtcdKeyValue?

    init(_ event: Mvccpb_Event) {
        kind = event.type == .delete ? .delete : .put
        kv = EtcdKeyValue(event.kv)
        previous = event.hasPrevKv ? EtcdKeyValue(event.prevKv) : nil
    }
}

/// One batch of events from a watch, or a progress notification (no events).
public struct EtcdWatchResponse: Sendable, Hashable {
    /// Response header; for a progress notification its revision is the revision up to which
    /// every event has been delivered.
    public var header: EtcdResponseHeader
    /// The changes, in revision order.
    public var events: [EtcdWatchEvent]

    /// Whether this is a progress notification rather than a batch of events.
    public var isProgressNotification: Bool { events.isEmpty }
}

/// What a watch looks at.
public struct EtcdWatchOptions: Sendable, Hashable {
    /// The key or key range.
    public var range: EtcdKeyRange
    /// First revision to deliver; 0 means "changes from now on".
    public var startRevision: Int64
    /// Ask etcd for periodic progress notifications when nothing changes.
    public var progressNotify: Bool
    /// Deliver the previous key-value with each event.
    public var previousKV: Bool

    /// Creates watch options.
    public init(range: EtcdKeyRange, startRevision: Int64 = 0, progressNotify: Bool = false, previousKV: Bool = false) {
        self.range = range
        self.startRevision = startRevision
        self.progressNotify = progressNotify
        self.previousKV = previousKV
    }
}

extension EtcdClient {
    /// Watches a key or range and delivers every change in revision order.
    ///
    /// The sequence resumes on another endpoint, from the revision after the last one it
    /// delivered, when its stream breaks. It ends with an ``EtcdError``:
    /// - code `compacted`, with ``EtcdError/compactRevision`` set, when the start revision (or the
    ///   resume revision) is older than etcd's compaction — nothing is skipped silently;
    /// - code `unavailable` when no endpoint answers within the failover timeout.
    /// Stop watching by cancelling the consuming task or dropping the iterator.
    public func watch(_ options: EtcdWatchOptions) -> AsyncThrowingStream<EtcdWatchResponse, any Error> {
        let (stream, continuation) = AsyncThrowingStream<EtcdWatchResponse, any Error>.makeStream()
        // An unstructured producer, required by this API's shape: a synchronous call returns a
        // stream that its consumer reads later, from any task, while gRPC delivers a watch only
        // inside the scope of its call (`onResponse`), which must keep running between reads.
        // No task group of the caller's exists here to own it; the stream does: the task ends
        // when the watch fails, and is cancelled when the stream terminates (the consumer's
        // task cancelled, its iterator dropped). Structured callers use
        // ``watch(_:onResponse:)`` (the node's delivery does, through `ReadAhead`).
        let task = Task { [self] in
            do {
                try await watch(options) { continuation.yield($0) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Watches like ``watch(_:)``, handing each response to `onResponse` on the task that reads
    /// the stream (no hop through an `AsyncSequence`): for a consumer with a buffer of its own.
    /// Runs until the watch fails or the calling task is cancelled, throwing the same
    /// ``EtcdError``s as ``watch(_:)`` (code `cancelled` for the latter).
    public func watch(_ options: EtcdWatchOptions, onResponse: @escaping @Sendable (EtcdWatchResponse) -> Void) async throws {
        do {
            try await runWatch(options, onResponse)
        } catch {
            throw EtcdError.from(error, operation: "watch", endpoint: nil)
        }
    }

    /// Watches every key starting with `prefix` from `startRevision` (0 = from now on).
    public func watch(prefix: String, startRevision: Int64 = 0, progressNotify: Bool = false) -> AsyncThrowingStream<EtcdWatchResponse, any Error> {
        watch(EtcdWatchOptions(range: .prefix(prefix), startRevision: startRevision, progressNotify: progressNotify))
    }

    private func runWatch(_ options: EtcdWatchOptions, _ yield: @escaping @Sendable (EtcdWatchResponse) -> Void) async throws {
        let next = LockedValue<Int64>(options.startRevision)
        let clock = ContinuousClock()
        var failingSince: ContinuousClock.Instant?
        var pause = Duration.milliseconds(50)
        var callOptions = callOptions()
        callOptions.timeout = nil
        // Make etcd end the stream when the member loses its leader, so we move to another one.
        let metadata: Metadata = ["hasleader": "true"]

        while !Task.isCancelled {
            let (index, connection) = currentConnection()
            var create = Etcdserverpb_WatchCreateRequest()
            create.key = Data(options.range.key)
            create.rangeEnd = Data(options.range.rangeEnd)
            create.startRevision = next.value
            create.progressNotify = options.progressNotify
            create.prevKv = options.previousKV
            let request = Etcdserverpb_WatchRequest.with { $0.createRequest = create }
            let delivered = LockedValue(false)
            do {
                try await connection.watch.watch(metadata: metadata, options: callOptions) { writer in
                    try await writer.write(request)
                    // Keep our side of the stream open until the watch ends.
                    try await Task.sleep(for: .seconds(365 * 24 * 3600))
                } onResponse: { response in
                    for try await message in response.messages {
                        if message.canceled {
                            throw Self.canceledWatchError(message, endpoint: connection.endpoint)
                        }
                        if message.created {
                            next.withLock { if $0 == 0 { $0 = message.header.revision + 1 } }
                            continue
                        }
                        let answer = EtcdWatchResponse(
                            header: EtcdResponseHeader(message.header), events: message.events.map(EtcdWatchEvent.init))
                        next.withLock { value in
                            if let last = message.events.last {
                                value = max(value, last.kv.modRevision + 1)
                            } else {
                                value = max(value, message.header.revision + 1)
                            }
                        }
                        delivered.withLock { $0 = true }
                        yield(answer)
                    }
                }
                // The server closed the stream without an error: resume.
                throw EtcdError(code: .unavailable, message: "etcd closed the watch stream", endpoint: connection.endpoint.description)
            } catch {
                let failure = EtcdError.from(error, operation: "watch", endpoint: connection.endpoint.description)
                guard failure.isTransient, !Task.isCancelled else { throw failure }
                failedOver(from: index)
                if delivered.value {
                    failingSince = nil
                    pause = .milliseconds(50)
                }
                let since = failingSince ?? clock.now
                failingSince = since
                if since.duration(to: clock.now) > configuration.failoverTimeout { throw failure }
                logger.debug("watch stream broke, resuming", metadata: [
                    "endpoint": "\(connection.endpoint)", "error": "\(failure.message)", "from": "\(next.value)",
                ])
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(1))
            }
        }
        throw CancellationError()
    }

    private static func canceledWatchError(_ message: Etcdserverpb_WatchResponse, endpoint: EtcdEndpoint) -> EtcdError {
        if message.compactRevision > 0 {
            return EtcdError(
                code: .compacted,
                message: "the watch's start revision was compacted; etcd keeps revisions from \(message.compactRevision) on. Resume from there and account for the missed changes",
                operation: "watch", endpoint: endpoint.description, compactRevision: message.compactRevision)
        }
        let reason = message.cancelReason.isEmpty ? "no reason given" : message.cancelReason
        return EtcdError(code: .invalidArgument, message: "etcd canceled the watch: \(reason)", operation: "watch", endpoint: endpoint.description)
    }
}
