import CBOR
import EtcdClient
import Foundation
import HeadnetCore

extension EtcdNetwork {
    var messageKey: String { "msg-\(configuration.advertise)" }

    /// Sends queued messages in batches with a Txn guarded by our key's mod revision, so a retry
    /// whose first attempt already committed never writes twice (``BroadcastSender`` decides).
    /// Retries every second.
    ///
    /// Before a batch is first sent, a marker (the mod revision it is guarded by and the queue
    /// indices it holds) is recorded in the queue's log. After a crash or restart,
    /// a marker whose batch is found committed pops the batch instead of sending it again — so
    /// a broadcast whose put a minority etcd committed only after the node stopped is not repeated.
    func broadcastMessages(_ client: EtcdClient) async throws {
        let onRetry: (String) async -> Void = { reason in self.tracer(.broadcastFailed(reason: reason)) }
        let current = try await retrying("broadcastMessages", onRetry: onRetry) {
            try await client.range(EtcdKeyRange(key: Array(messageKey.utf8))).kvs.first
        }
        try await settleInFlightMarker(current: current)
        var sender = BroadcastSender(lastModRev: current?.modRevision ?? 0)
        while true {
            let batch: [PersistentQueue.Item]
            if let inFlight = sender.inFlight {
                batch = inFlight
            } else {
                batch = try await queue.peekBatch(
                    maxCount: configuration.dialect.batchesMessages ? configuration.batchMaxMessages : 1, maxBytes: configuration.batchMaxBytes)
                try await queue.markInFlight(sender.begin(batch))
            }
            let value = configuration.dialect.messageValue(batch.map(\.bytes))
            let decision = try await retrying("broadcastMessages", onRetry: onRetry) {
                let result = try await client.txn(
                    compare: [EtcdCompare(key: Array(messageKey.utf8), .modRevision(sender.lastModRev), .equal)],
                    success: [.put(key: Array(messageKey.utf8), value: value)],
                    failure: [.range(EtcdKeyRange(key: Array(messageKey.utf8)))])
                return sender.answered(
                    .init(succeeded: result.succeeded, revision: result.header.revision,
                          observedModRevision: result.responses.first?.rangeResult?.kvs.first?.modRevision),
                    key: messageKey)
            }
            switch decision {
            case .fail(let message): throw HeadNetworkError(.etcd, message, operation: "putMessage")
            case .pop(let trace): tracer(trace)
            }
            try await queue.pop(batch: batch)
            try await queue.clearInFlight()
            sender.popped()
            let sent = sender.lastModRev
            state.withLock {
                $0.lastBroadcastRevision = sent
                $0.broadcasts += 1
            }
        }
    }

    /// Pops the batch a previous run had in flight if etcd shows it was committed.
    private func settleInFlightMarker(current: EtcdKeyValue?) async throws {
        guard let marker = await queue.inFlight else { return }
        let head = await queue.head(marker.indices.count)
        guard let trace = BroadcastSender.settle(
            marker: marker, current: current.map { ($0.modRevision, $0.value) }, head: head,
            value: { [dialect = configuration.dialect] in dialect.messageValue($0.map(\.bytes)) })
        else {
            try await queue.clearInFlight()
            return
        }
        tracer(trace)
        try await queue.pop(batch: head)
        try await queue.clearInFlight()
    }

    /// Watches `msg`..`msh` from the last known revision + 1, delivers the messages of each
    /// response (of all that arrived meanwhile, together), then persists the revision. A
    /// compacted start revision is reported as `MessagesMissed` and the watch resumes from the
    /// compact revision.
    func waitMessages(_ client: EtcdClient) async throws {
        while true {
            try await retrying("waitMessages", onRetry: { tracer(.watchFailed(reason: $0)) }) {
                try await watchMessages(client)
            }
        }
    }

    /// One watch from the stored revision; returns after reporting a compaction, throws when
    /// the watch fails or ends.
    private func watchMessages(_ client: EtcdClient) async throws {
        let start = try (checkpoint?.current() ?? revisions.load()) + 1
        tracer(.watchMessagesStartRevision(startRevision: start))
        do {
            // Responses that arrive while one is being delivered are delivered together.
            let options = EtcdWatchOptions(range: .between("msg", "msh"), startRevision: start)
            try await ReadAhead.consume(producing: { yield in try await client.watch(options, onResponse: yield) }, maxCount: 64) {
                try await deliver($0)
            }
            throw EtcdError(code: .unavailable, message: "the watch ended")
        } catch let error as EtcdError where error.code == .compacted {
            let compact = error.compactRevision ?? start
            tracer(.watchMessagesFallbackTo(compactRevision: compact))
            await emit(.messagesMissed(from: start, to: compact - 1))
            try await saveRevision(max(compact - 1, 0))
            state.withLock { $0.lastKnownRevision = max(compact - 1, 0) }
        }
    }

    /// Delivers the messages of `responses` in one call of the application's handler, then
    /// persists the revision.
    private func deliver(_ responses: [EtcdWatchResponse]) async throws {
        var batch: [Delivered<Codec.Message>] = []
        for event in responses.lazy.flatMap(\.events) where event.kind == .put {
            let key = event.kv.keyString
            guard key.hasPrefix("msg-"), let sender = Address(readHost: String(key.dropFirst(4))) else {
                tracer(.failedToDecodeValue(key: key, value: Hex.encode(event.kv.value), reason: "not a msg-<host:port> key"))
                continue
            }
            let messages: [Codec.Message]
            do {
                messages = try configuration.dialect.decodeMessages(event.kv.value, codec: codec)
            } catch {
                tracer(.failedToDecodeValue(key: key, value: Hex.encode(event.kv.value), reason: "\(error)"))
                continue
            }
            for (index, message) in messages.enumerated() {
                batch.append(Delivered(message: message, sender: sender, revision: event.kv.modRevision, indexInBatch: index))
            }
        }
        if !batch.isEmpty {
            do {
                try await onMessages(batch)
            } catch {
                throw HeadNetworkError(
                    .persistence,
                    "the node could not take \(batch.count) delivered messages (revision \(batch[0].revision)…\(batch[batch.count - 1].revision)); "
                        + "it stops without recording them as delivered: fix the cause and start it again to have them delivered again",
                    operation: "waitMessages", cause: error)
            }
        }
        let delivered = batch.count
        // Persist what was delivered: the last event's revision (a catching-up watch's header
        // revision can be ahead of events still to come); for a progress notification, the header.
        guard let response = responses.last else { return }
        let revision = response.events.last?.kv.modRevision ?? response.header.revision
        try await saveRevision(revision)
        state.withLock {
            $0.lastKnownRevision = revision
            $0.delivered += delivered
        }
    }

    /// Persists `revision` as delivered: behind the application's sync when it gave one
    /// (``RevisionCheckpoint``), else in the file at once.
    private func saveRevision(_ revision: Int64) async throws {
        if let checkpoint {
            try checkpoint.note(revision)
        } else {
            try await revisions.save(revision)
        }
    }
}
