/// The load generator's record of a run: each message with its outcome, in the order they
/// were first sent, and when each acceptance came (for the report's timeline).
public actor LoadRecord {
    private var messages: [SentMessage] = []
    private var positions: [String: Int] = [:]
    private var acceptedAt: [Double] = []

    /// An empty record.
    public init() {}

    /// Records the outcome of `sender`'s message `seq` (replacing an earlier one of the same
    /// message, as a retry settles it); `at` is seconds since the load began.
    func record(_ message: SentMessage, at seconds: Double) {
        let key = "\(message.sender)#\(message.seq)"
        if let position = positions[key] {
            messages[position] = message
        } else {
            positions[key] = messages.count
            messages.append(message)
        }
        if message.outcome == .accepted { acceptedAt.append(seconds) }
    }

    /// Every message so far.
    public var sent: [SentMessage] { messages }

    /// Seconds since the load began at which each accepted message was accepted.
    public var acceptances: [Double] { acceptedAt }
}
