import CBOR
import EtcdClient
import Foundation

extension EtcdNetwork {
    var messageKey: [UInt8] { Array("msg-\(configuration.advertise)".utf8) }

    /// Sends queued messages in batches with a Txn guarded by our key's mod revision, so a retry
    /// whose first attempt already committed never writes twice. Retries every second.
    ///
    /// Before a batch is first sent, a marker (`broadcast-in-flight`: the mod revision it is
    /// guarded by and the queue indices it holds) is written durably. After a crash or restart,
    /// a marker whose batch is found committed (our key moved past the marker's revision and
    /// holds exactly that batch) pops the batch instead of sending it again — so a broadcast
    /// whose put was committed by a minority etcd only after the node stopped is not repeated.
    func broadcastMessages(_ client: EtcdClient) async throws {
        let current = try await currentMessageKey(client)
        var lastModRev = current?.modRevision ?? 0
        try await settleInFlightMarker(current: current)
        var inFlight: [PersistentQueue.Item]?
        while true {
            let batch: [PersistentQueue.Item]
            if let inFlight {
                batch = inFlight
            } else {
                batch = try await queue.peekBatch(maxCount: configuration.batchMaxMessages, maxBytes: configuration.batchMaxBytes)
                try inFlightMarker.save(InFlightBatch(lastModRev: lastModRev, indices: batch.map(\.index)))
            }
            inFlight = batch
            let value = BroadcastBatch.value(of: batch.map(\.bytes))
            do {
                let result = try await client.txn(
                    compare: [EtcdCompare(key: messageKey, .modRevision(lastModRev), .equal)],
                    success: [.put(key: messageKey, value: value)],
                    failure: [.range(EtcdKeyRange(key: messageKey))])
                if result.succeeded {
                    lastModRev = result.header.revision
                    tracer(.broadcastSent(messages: batch.count, revision: lastModRev))
                } else if let observed = result.responses.first?.rangeResult?.kvs.first?.modRevision {
                    tracer(.broadcastDeduped(previousModRev: lastModRev, observedModRev: observed))
                    lastModRev = observed
                } else {
                    throw HeadNetworkError(
                        .etcd,
                        "our broadcast key \(String(decoding: messageKey, as: UTF8.self)) vanished from etcd (compared against mod revision \(lastModRev)): the cluster was reset underneath this node. Restart the node",
                        operation: "putMessage")
                }
                try await queue.pop(batch: batch)
                try inFlightMarker.clear()
                inFlight = nil
                let depth = await queue.count
                let sent = lastModRev
                state.withLock {
                    $0.queueDepth = depth
                    $0.lastBroadcastRevision = sent
                    $0.broadcasts += 1
                }
            } catch {
                guard let reason = retryable(error) else { throw annotate(error, "broadcastMessages") }
                tracer(.broadcastFailed(reason: reason))
                try await pauseBeforeRetry()
            }
        }
    }

    var inFlightMarker: InFlightMarker {
        InFlightMarker(file: configuration.persistenceDirectory.appendingPathComponent("broadcast-in-flight"))
    }

    /// Our `msg-` key as etcd has it now (nil when absent), retried until etcd answers.
    private func currentMessageKey(_ client: EtcdClient) async throws -> EtcdKeyValue? {
        while true {
            do {
                return try await client.range(EtcdKeyRange(key: messageKey)).kvs.first
            } catch {
                guard let reason = retryable(error) else { throw annotate(error, "broadcastMessages") }
                tracer(.broadcastFailed(reason: reason))
                try await pauseBeforeRetry()
            }
        }
    }

    /// Pops the batch a previous run had in flight if etcd shows it was committed.
    private func settleInFlightMarker(current: EtcdKeyValue?) async throws {
        guard let marker = try inFlightMarker.load() else { return }
        defer { try? inFlightMarker.clear() }
        guard let current, current.modRevision > marker.lastModRev else { return }
        let head = try await queue.peekBatch(maxCount: marker.indices.count, maxBytes: Int.max)
        guard head.map(\.index) == marker.indices, BroadcastBatch.value(of: head.map(\.bytes)) == current.value else { return }
        tracer(.broadcastDeduped(previousModRev: marker.lastModRev, observedModRev: current.modRevision))
        try await queue.pop(batch: head)
        let depth = await queue.count
        state.withLock { $0.queueDepth = depth }
    }

    /// Watches `msg`..`msh` from the last known revision + 1, delivers each response's
    /// messages, then persists the revision. A compacted start revision is reported as
    /// `MessagesMissed` and the watch resumes from the compact revision.
    func waitMessages(_ client: EtcdClient) async throws {
        while true {
            let lastKnown = try revisions.load()
            let start = lastKnown + 1
            tracer(.watchMessagesStartRevision(startRevision: start))
            do {
                let options = EtcdWatchOptions(range: .between("msg", "msh"), startRevision: start)
                for try await response in client.watch(options) {
                    try await deliver(response)
                }
                throw EtcdError(code: .unavailable, message: "the watch ended")
            } catch let error as EtcdError where error.code == .compacted {
                let compact = error.compactRevision ?? start
                tracer(.watchMessagesFallbackTo(compactRevision: compact))
                await emit(.messagesMissed(from: start, to: compact - 1))
                try revisions.save(max(compact - 1, 0))
                state.withLock { $0.lastKnownRevision = max(compact - 1, 0) }
            } catch {
                guard let reason = retryable(error) else { throw annotate(error, "waitMessages") }
                tracer(.watchFailed(reason: reason))
                try await pauseBeforeRetry()
            }
        }
    }

    private func deliver(_ response: EtcdWatchResponse) async throws {
        var delivered = 0
        for event in response.events where event.kind == .put {
            let key = event.kv.keyString
            guard key.hasPrefix("msg-"), let sender = try? NetworkHost(parsing: String(key.dropFirst(4))) else {
                tracer(.failedToDecodeValue(key: key, value: Hex.encode(event.kv.value), reason: "not a msg-<host:port> key"))
                continue
            }
            let messages: [Codec.Message]
            do {
                messages = try BroadcastBatch.decode(event.kv.value, codec: codec)
            } catch {
                tracer(.failedToDecodeValue(key: key, value: Hex.encode(event.kv.value), reason: "\(error)"))
                continue
            }
            for (index, message) in messages.enumerated() {
                await onMessage(Delivered(message: message, sender: sender, revision: event.kv.modRevision, indexInBatch: index))
            }
            delivered += messages.count
        }
        // Persist what was delivered: the last event's revision (a catching-up watch's header
        // revision can be ahead of events still to come); for a progress notification, the header.
        let revision = response.events.last?.kv.modRevision ?? response.header.revision
        try revisions.save(revision)
        state.withLock {
            $0.lastKnownRevision = revision
            $0.delivered += delivered
        }
    }
}
