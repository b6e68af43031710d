import NodeAPIModel
/// Who sends which message of a run, and where each message's bookkeeping lives.
///
/// Every message has a *slot*: low-load messages come first (slot = sample number), then the
/// saturation messages, each sender's contiguous. A delivered payload `{sender, seq}` maps back
/// to its slot with ``slot(of:)``.
public struct MessagePlan: Sendable, Hashable {
    /// One sender: a name carried in its payloads, the node it posts to, and its messages.
    public struct Sender: Sendable, Hashable {
        /// The name in its payloads (run tag, phase letter, number; at most 15 bytes).
        public var name: String
        /// Index of the node it posts to.
        public var node: Int
        /// How many messages it sends (seq 1…count).
        public var count: Int
        /// The slot of its seq 1.
        public var firstSlot: Int
        /// Slots between its consecutive messages.
        public var stride: Int

        /// The slot of its message `seq`.
        public func slot(seq: Int) -> Int { firstSlot + (seq - 1) * stride }
    }

    /// The low-load senders, one per node; sample `i` is sent by sender `i % nodes`.
    public let lowLoadSenders: [Sender]
    /// The saturation senders, spread round-robin over the nodes.
    public let saturationSenders: [Sender]
    /// Slots of the low-load phase.
    public let lowLoad: Range<Int>
    /// Slots of the saturation phase.
    public let saturation: Range<Int>
    private let senderIndex: [String: Sender]

    /// Plans a run: `lowLoadSamples` one at a time rotating over `nodes` nodes, then `messages`
    /// from `senders` concurrent senders. `run` is a short tag that sets this run's payloads
    /// apart from any other messages in the journals.
    public init(run: String, nodes: Int, lowLoadSamples: Int, messages: Int, senders: Int) {
        precondition(nodes > 0 && senders > 0)
        lowLoadSenders = (0..<min(nodes, lowLoadSamples)).map { node in
            Sender(name: "\(run)-l\(node)", node: node, count: (lowLoadSamples - node + nodes - 1) / nodes, firstSlot: node, stride: nodes)
        }
        lowLoad = 0..<lowLoadSamples
        var next = lowLoadSamples
        saturationSenders = (0..<senders).map { number in
            let count = messages / senders + (number < messages % senders ? 1 : 0)
            defer { next += count }
            return Sender(name: "\(run)-s\(number)", node: number % nodes, count: count, firstSlot: next, stride: 1)
        }
        saturation = lowLoadSamples..<next
        senderIndex = Dictionary(uniqueKeysWithValues: (lowLoadSenders + saturationSenders).map { ($0.name, $0) })
    }

    /// Every slot of the run.
    public var slots: Int { saturation.upperBound }

    /// The low-load sample `sample`: its sender and seq.
    public func lowLoadMessage(_ sample: Int) -> (sender: Sender, seq: Int) {
        let sender = lowLoadSenders[sample % lowLoadSenders.count]
        return (sender, sample / lowLoadSenders.count + 1)
    }

    /// `range` cut into `count` consecutive parts whose sizes differ by at most one (empty
    /// parts left out): the rounds in which latency samples are taken.
    public static func rounds(of range: Range<Int>, count: Int) -> [Range<Int>] {
        let count = max(1, min(count, range.count))
        var start = range.lowerBound
        return (0..<count).compactMap { part in
            let size = range.count / count + (part < range.count % count ? 1 : 0)
            defer { start += size }
            return size > 0 ? start..<(start + size) : nil
        }
    }

    /// The slot of a delivered payload; nil when it is not one of this run's messages.
    public func slot(of payload: SequencedPayload) -> Int? {
        guard let sender = senderIndex[payload.sender], (1...max(sender.count, 1)).contains(payload.seq), sender.count > 0 else { return nil }
        return sender.slot(seq: payload.seq)
    }

    /// The payload of the message in `slot`.
    public func payload(ofSlot slot: Int) -> SequencedPayload? {
        if lowLoad.contains(slot) {
            let (sender, seq) = lowLoadMessage(slot)
            return SequencedPayload(sender: sender.name, seq: seq)
        }
        guard let sender = saturationSenders.first(where: { (($0.firstSlot)..<($0.firstSlot + $0.count)).contains(slot) }) else { return nil }
        return SequencedPayload(sender: sender.name, seq: slot - sender.firstSlot + 1)
    }
}
