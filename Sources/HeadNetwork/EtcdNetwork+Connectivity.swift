import CBOR
import EtcdClient
import Foundation

extension EtcdNetwork {
    /// The reason text when `error` is one the component retries (unavailable, deadline
    /// exceeded, cancelled by the server, not found); nil when it must stop the node.
    func retryable(_ error: any Error) -> String? {
        guard !Task.isCancelled else { return nil }
        if let etcdError = error as? EtcdError,
            [.unavailable, .deadlineExceeded, .cancelled, .leaseNotFound].contains(etcdError.code)
        {
            return etcdError.description
        }
        return nil
    }

    /// Writes our version into `version` unless a version is there, then compares. Retries
    /// every second until a majority answers (Hydra tries once).
    func checkVersion(_ client: EtcdClient) async throws {
        let ours = configuration.protocolVersion
        while true {
            do {
                let result = try await client.txn(
                    compare: [EtcdCompare(key: "version", .version(0), .greater)],
                    success: [.get("version")],
                    failure: [.put(key: Array("version".utf8), value: ProtocolVersionValue.encode(ours))])
                guard result.succeeded else {
                    state.withLock { $0.versionMatches = true }
                    tracer(.matchingProtocolVersion(version: ours))
                    return
                }
                for kv in result.responses.first?.rangeResult?.kvs ?? [] {
                    do {
                        let theirs = try ProtocolVersionValue.decode(kv.value)
                        if theirs == ours {
                            state.withLock { $0.versionMatches = true }
                            tracer(.matchingProtocolVersion(version: ours))
                        } else {
                            state.withLock { $0.versionMatches = false; $0.theirVersion = theirs }
                            await emit(.versionMismatch(ours: ours, theirs: theirs))
                        }
                    } catch {
                        tracer(.failedToDecodeValue(key: kv.keyString, value: Hex.encode(kv.value), reason: "\(error)"))
                        state.withLock { $0.versionMatches = false; $0.theirVersion = nil }
                        await emit(.versionMismatch(ours: ours, theirs: nil))
                    }
                }
                return
            } catch {
                guard let reason = retryable(error) else { throw annotate(error, "checkVersion") }
                tracer(.reconnecting)
                logger.debug("checkVersion retrying: \(reason)")
                try await pauseBeforeRetry()
            }
        }
    }

    /// Connectivity: the member list answers, a lease with our `alive-` key is kept alive every
    /// second, and each round the `alive` keys are diffed into peer events.
    func pollConnectivity(_ client: EtcdClient) async throws {
        var tracker = ConnectivityTracker(ourselves: configuration.advertise)
        var connected = false
        while true {
            do {
                _ = try await client.memberList()
                let lease = try await client.grantLease(ttl: configuration.leaseTTLSeconds)
                try await client.put(key: Array("alive-\(configuration.advertise)".utf8), value: configuration.advertise.cbor, lease: lease.id)
                tracer(.createdLease(leaseId: lease.id))
                if !connected {
                    connected = true
                    state.withLock { $0.connected = true }
                    await emit(.networkConnected)
                }
                while true {
                    let answer: EtcdLease
                    do {
                        answer = try await client.keepAliveOnce(lease: lease.id)
                    } catch let error as EtcdError where error.code == .unavailable && error.message.contains("without an answer") {
                        tracer(.noKeepAliveResponse)
                        break
                    }
                    if answer.ttl <= 0 {
                        tracer(.lowLeaseTTL(ttlRemaining: answer.ttl))
                        break
                    }
                    let seen = try await aliveHosts(client)
                    for event in tracker.update(seen: seen) { await emit(event) }
                    let peers = tracker.alive.sorted()
                    state.withLock { $0.peers = peers }
                    try await Task.sleep(for: .seconds(1))
                }
            } catch {
                guard let reason = retryable(error) else { throw annotate(error, "pollConnectivity") }
                logger.debug("connectivity lost: \(reason)")
                if connected {
                    connected = false
                    tracker.reset()
                    state.withLock { $0.connected = false; $0.peers = [] }
                    await emit(.networkDisconnected)
                }
                try await pauseBeforeRetry()
            }
        }
    }

    private func aliveHosts(_ client: EtcdClient) async throws -> [NetworkHost] {
        let result = try await client.range(.between("alive", "alivf"))
        var hosts: [NetworkHost] = []
        for kv in result.kvs {
            do {
                hosts.append(try NetworkHost(cbor: kv.value))
            } catch {
                tracer(.failedToDecodeValue(key: kv.keyString, value: Hex.encode(kv.value), reason: "\(error)"))
            }
        }
        return hosts
    }

    /// Adds the operation's name to a fatal error.
    func annotate(_ error: any Error, _ operation: String) -> any Error {
        if var known = error as? HeadNetworkError {
            known.operation = known.operation ?? operation
            return known
        }
        if error is CancellationError { return error }
        return HeadNetworkError(.etcd, "\(error)", operation: operation, cause: error)
    }
}
