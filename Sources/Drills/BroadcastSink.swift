/// What a node answered to one broadcast request of the load.
public enum BroadcastAnswer: Sendable, Hashable {
    /// 202: queued durably.
    case accepted
    /// 202 to a retry: a request with the same key was accepted before (its answer may have been
    /// lost); nothing new was queued.
    case replayed
    /// Refused (503 queue full, 4xx): nothing was queued; `reason` says why.
    case refused(String)
    /// No answer (timeout, reset, connection refused): it may or may not have been queued.
    case uncertain(String)
}

/// Where the load's broadcasts go: a node's `POST /broadcast` with an `Idempotency-Key`
/// (``NodeAPISink``), or a test double.
public protocol BroadcastSink: Sendable {
    /// Broadcasts `payload` through `node`'s API with the idempotency `key`.
    func broadcast(through node: String, payload: [UInt8], key: String) async -> BroadcastAnswer
}
