import HeadnetCore
import NodeAPIModel
import Orchestrator

/// A drill's load: every sender broadcasts ``NodeAPIModel/SequencedPayload``s at a steady rate,
/// each with its own `Idempotency-Key`, and records what the node answered.
///
/// A message whose answer was lost (``BroadcastAnswer/uncertain(_:)``) is never sent again
/// blindly: it is retried with the same key, which the node answers as it did the first time,
/// until it is accepted or refused. The sender sends nothing else meanwhile, so that a message
/// queued late cannot overtake its successors (per-sender order holds); the ticks it missed are
/// skipped, not caught up in a burst.
public struct LoadGenerator: Sendable {
    /// The sending nodes (each message's payload names its sender node).
    public var senders: [String]
    /// Messages per second per sender.
    public var rate: Double
    /// Payload bytes.
    public var size: Int
    /// Prefix of every idempotency key: unique per run, so a rerun on the same state is new.
    public var runID: String
    /// The first wait before retrying an uncertain message; doubled each time up to 2 s.
    public var firstRetry: Duration = .milliseconds(100)
    /// How long after the stop an uncertain message is still retried.
    public var retryGrace: Duration = .seconds(30)
    /// The clock the schedule and the retries run on (tests give a ``HeadnetCore/SteppingClock``).
    public var clock = AnyClock(ContinuousClock())

    /// A load of `rate` messages per second per sender, `size` bytes each.
    public init(senders: [String], rate: Double, size: Int, runID: String) {
        self.senders = senders
        self.rate = rate
        self.size = size
        self.runID = runID
    }

    /// The idempotency key of `sender`'s message `seq`.
    public func key(sender: String, seq: Int) -> String { "\(runID)-\(sender)-\(seq)" }

    /// Sends until `stop` is requested (or each sender sent `limit` messages), then settles
    /// what is uncertain for up to ``retryGrace``; records every message in `record`.
    public func run(into record: LoadRecord, sink: some BroadcastSink, stop: Interruption, limit: Int? = nil) async {
        let start = clock.now
        await withTaskGroup(of: Void.self) { group in
            for sender in senders {
                group.addTask { await send(as: sender, from: start, into: record, sink: sink, stop: stop, limit: limit) }
            }
        }
    }

    private func send(
        as sender: String, from start: OffsetInstant, into record: LoadRecord, sink: some BroadcastSink, stop: Interruption, limit: Int?
    ) async {
        let interval = Duration.seconds(1 / rate)
        var next = start
        var seq = 0
        var stoppedAt: OffsetInstant?
        while !stop.isRequested, limit.map({ seq < $0 }) ?? true, !Task.isCancelled {
            seq += 1
            try? await clock.sleep(until: next, tolerance: nil)
            let sentAt = start.duration(to: clock.now).inSeconds
            let payload = SequencedPayload(sender: sender, seq: seq).encoded(size: size)
            var message = SentMessage(sender: sender, seq: seq, outcome: .uncertain, attempts: 0, sentAt: sentAt)
            var wait = firstRetry
            while true {
                message.attempts += 1
                let answer = await sink.broadcast(through: sender, payload: payload, key: key(sender: sender, seq: seq))
                if case .uncertain = answer {
                    if stop.isRequested, stoppedAt == nil { stoppedAt = clock.now }
                    if let stoppedAt, stoppedAt.duration(to: clock.now) >= retryGrace { break }
                    if Task.isCancelled { break }
                    try? await clock.sleep(until: clock.now.advanced(by: wait), tolerance: nil)
                    wait = min(wait * 2, .seconds(2))
                    continue
                }
                message.outcome = answer == .accepted || answer == .replayed ? .accepted : .refused
                message.replayed = answer == .replayed
                break
            }
            await record.record(message, at: start.duration(to: clock.now).inSeconds)
            next = max(next.advanced(by: interval), clock.now)
        }
    }
}
