import EtcdAPI
import GRPCCore

/// A granted lease.
public struct EtcdLease: Sendable, Hashable {
    /// The lease ID.
    public var id: Int64
    /// Seconds until it expires unless kept alive (≤ 0: already expired).
    public var ttl: Int64
}

/// A lease's remaining and granted time.
public struct EtcdLeaseTimeToLive: Sendable, Hashable {
    /// The lease ID.
    public var id: Int64
    /// Remaining seconds; -1 when the lease does not exist (expired or revoked).
    public var ttl: Int64
    /// The TTL the lease was granted with.
    public var grantedTTL: Int64
    /// Keys attached to the lease, when asked for.
    public var keys: [[UInt8]]
}

extension EtcdClient {
    /// Grants a lease of `ttl` seconds (etcd may round it up to its minimum).
    public func grantLease(ttl: Int64, id: Int64 = 0) async throws -> EtcdLease {
        var request = Etcdserverpb_LeaseGrantRequest()
        request.ttl = ttl
        request.id = id
        return try await perform("leaseGrant", mutation: true) { connection, options in
            let response = try await connection.lease.leaseGrant(request, options: options)
            if !response.error.isEmpty {
                throw EtcdError(code: .invalidArgument, message: "etcd refused the lease: \(response.error)")
            }
            return EtcdLease(id: response.id, ttl: response.ttl)
        }
    }

    /// Revokes a lease; every key attached to it is deleted.
    public func revokeLease(_ id: Int64) async throws {
        var request = Etcdserverpb_LeaseRevokeRequest()
        request.id = id
        _ = try await perform("leaseRevoke", mutation: true) { connection, options in
            try await connection.lease.leaseRevoke(request, options: options).header.revision
        }
    }

    /// Reads a lease's remaining time; `ttl` is -1 when the lease no longer exists.
    public func leaseTimeToLive(_ id: Int64, keys: Bool = false) async throws -> EtcdLeaseTimeToLive {
        var request = Etcdserverpb_LeaseTimeToLiveRequest()
        request.id = id
        request.keys = keys
        return try await perform("leaseTimeToLive", mutation: false) { connection, options in
            let response = try await connection.lease.leaseTimeToLive(request, options: options)
            return EtcdLeaseTimeToLive(
                id: response.id, ttl: response.ttl, grantedTTL: response.grantedTtl, keys: response.keys.map { Array($0) })
        }
    }

    /// IDs of every lease the cluster holds.
    public func leases() async throws -> [Int64] {
        try await perform("leaseLeases", mutation: false) { connection, options in
            try await connection.lease.leaseLeases(Etcdserverpb_LeaseLeasesRequest(), options: options).leases.map(\.id)
        }
    }

    /// Opens a keepalive stream for `id`: sends a keepalive every `interval` and yields each
    /// answer. A TTL ≤ 0 in an answer means the lease is gone; the stream then ends with an
    /// ``EtcdError`` of code `leaseNotFound`. A broken stream ends with the gRPC error mapped to
    /// an ``EtcdError`` (callers re-open it, or grant a new lease).
    public func keepAlive(lease id: Int64, every interval: Duration = .seconds(1)) -> AsyncThrowingStream<EtcdLease, any Error> {
        let (stream, continuation) = AsyncThrowingStream<EtcdLease, any Error>.makeStream()
        // An unstructured producer, required by this API's shape (as in ``watch(_:)``): the
        // stream is returned at once and read later, while gRPC runs the keepalive stream only
        // inside the scope of its call. The stream owns the task: it ends with the keepalive
        // stream, and is cancelled when the stream terminates (consumer cancelled or gone).
        let task = Task { [self] in
            let (_, connection) = currentConnection()
            var options = callOptions()
            options.timeout = nil
            let request = Etcdserverpb_LeaseKeepAliveRequest.with { $0.id = id }
            do {
                try await connection.lease.leaseKeepAlive(options: options) { writer in
                    while true {
                        try await writer.write(request)
                        try await Task.sleep(for: interval)
                    }
                } onResponse: { response in
                    for try await message in response.messages {
                        continuation.yield(EtcdLease(id: message.id, ttl: message.ttl))
                        if message.ttl <= 0 {
                            throw EtcdError(code: .leaseNotFound, message: "lease \(id) expired or was revoked; grant a new lease")
                        }
                    }
                    throw EtcdError(code: .unavailable, message: "etcd closed the keepalive stream")
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: EtcdError.from(error, operation: "leaseKeepAlive", endpoint: connection.endpoint.description))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Sends one keepalive for `id` and returns the lease's new TTL (≤ 0 when it is gone).
    public func keepAliveOnce(lease id: Int64) async throws -> EtcdLease {
        let request = Etcdserverpb_LeaseKeepAliveRequest.with { $0.id = id }
        return try await perform("leaseKeepAlive", mutation: false) { connection, options in
            try await connection.lease.leaseKeepAlive(options: options) { writer in
                try await writer.write(request)
            } onResponse: { response in
                for try await message in response.messages {
                    return EtcdLease(id: message.id, ttl: message.ttl)
                }
                throw EtcdError(code: .unavailable, message: "etcd closed the keepalive stream without an answer")
            }
        }
    }
}
