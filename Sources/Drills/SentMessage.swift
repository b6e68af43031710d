/// One message of a drill's load as the load generator saw it: what the node answered.
public struct SentMessage: Sendable, Hashable, Codable {
    /// What became of a broadcast request.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// 202: the node queued it durably; it must be delivered everywhere.
        case accepted
        /// The node refused it (503 queue full, 4xx): nothing was queued.
        case refused
        /// No answer came (timeout, reset, the node died): it may or may not have been queued.
        /// Retries with its `Idempotency-Key` turn most of these into `accepted`.
        case uncertain
    }

    /// The sender: the node whose API it went to (the payload's `sender`).
    public var sender: String
    /// Its number among the sender's messages, from 1 (the payload's `seq`).
    public var seq: Int
    /// The last answer.
    public var outcome: Outcome
    /// Requests made for it (1 without retries).
    public var attempts: Int
    /// Seconds from the start of the load to its first request.
    public var sentAt: Double
    /// Whether the node answered a retry as a replay: an earlier request was accepted although
    /// its answer was lost.
    public var replayed = false

    /// Creates a record.
    public init(sender: String, seq: Int, outcome: Outcome, attempts: Int = 1, sentAt: Double = 0) {
        self.sender = sender
        self.seq = seq
        self.outcome = outcome
        self.attempts = attempts
        self.sentAt = sentAt
    }
}
