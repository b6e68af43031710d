import NodeAPIModel
/// Which node delivered which message when: the bookkeeping behind every headnet figure.
///
/// Times are nanoseconds on one monotonic clock, given by the caller (the tracker does no I/O
/// and reads no clock). A message is *complete* when every node delivered it; its latency is
/// from its post to its last delivery.
public struct DeliveryTracker: Sendable {
    /// What one delivery was.
    public enum Outcome: Sendable, Hashable {
        /// Delivered on this node, others still missing.
        case partial
        /// Delivered on this node, the last one missing: the message is complete.
        case complete
        /// This node had delivered it before.
        case duplicate
        /// Not one of this run's messages (another client's, or a seq out of range).
        case foreign
    }

    /// One repeat delivery, for the error message.
    public struct Duplicate: Sendable, Hashable {
        /// The node that delivered it again.
        public var node: Int
        /// The message.
        public var payload: SequencedPayload
    }

    /// Number of nodes (at most 64).
    public let nodes: Int
    /// The plan the slots come from.
    public let plan: MessagePlan
    private var postedAt: [UInt64]
    private var seenBy: [UInt64]
    private var completedAt: [UInt64]
    /// Completion times of saturation messages, in the order they completed.
    public private(set) var saturationCompletions: [UInt64] = []
    /// Deliveries on each node of this run's messages.
    public private(set) var deliveriesPerNode: [Int]
    /// Repeat deliveries seen (the first ten kept in ``duplicates``).
    public private(set) var duplicateCount = 0
    /// The first repeat deliveries.
    public private(set) var duplicates: [Duplicate] = []
    private let everyNode: UInt64

    /// A tracker for `plan` on `nodes` nodes.
    public init(plan: MessagePlan, nodes: Int) {
        precondition((1...64).contains(nodes), "the tracker handles 1 to 64 nodes")
        self.nodes = nodes
        self.plan = plan
        postedAt = Array(repeating: 0, count: plan.slots)
        seenBy = Array(repeating: 0, count: plan.slots)
        completedAt = Array(repeating: 0, count: plan.slots)
        deliveriesPerNode = Array(repeating: 0, count: nodes)
        everyNode = nodes == 64 ? .max : (1 << UInt64(nodes)) - 1
    }

    /// Records that the message in `slot` was posted at `time`.
    public mutating func posted(slot: Int, at time: UInt64) {
        postedAt[slot] = time
    }

    /// Records that `node` delivered `payload` at `time`.
    public mutating func delivered(_ payload: SequencedPayload, node: Int, at time: UInt64) -> Outcome {
        guard let slot = plan.slot(of: payload) else { return .foreign }
        let bit: UInt64 = 1 << UInt64(node)
        guard seenBy[slot] & bit == 0 else {
            duplicateCount += 1
            if duplicates.count < 10 { duplicates.append(Duplicate(node: node, payload: payload)) }
            return .duplicate
        }
        deliveriesPerNode[node] += 1
        seenBy[slot] |= bit
        guard seenBy[slot] == everyNode else { return .partial }
        completedAt[slot] = time
        if plan.saturation.contains(slot) { saturationCompletions.append(time) }
        return .complete
    }

    /// Whether every node delivered the message in `slot`.
    public func isComplete(_ slot: Int) -> Bool { seenBy[slot] == everyNode }

    /// Nanoseconds from post to the last delivery of the message in `slot`; nil until complete
    /// (or when it was never posted).
    public func latency(ofSlot slot: Int) -> UInt64? {
        guard isComplete(slot), postedAt[slot] != 0 else { return nil }
        return completedAt[slot] >= postedAt[slot] ? completedAt[slot] - postedAt[slot] : 0
    }

    /// When the message in `slot` was posted (0 = not yet).
    public func postTime(ofSlot slot: Int) -> UInt64 { postedAt[slot] }

    /// The incomplete messages among `slots`: each with the nodes that have not delivered it
    /// (the first `limit`), and how many there are in all.
    public func missing(in slots: Range<Int>, limit: Int = 5) -> (count: Int, first: [(payload: SequencedPayload, nodes: [Int])]) {
        var count = 0
        var first: [(payload: SequencedPayload, nodes: [Int])] = []
        for slot in slots where seenBy[slot] != everyNode {
            count += 1
            if first.count < limit, let payload = plan.payload(ofSlot: slot) {
                first.append((payload, (0..<nodes).filter { seenBy[slot] & (1 << UInt64($0)) == 0 }))
            }
        }
        return (count, first)
    }
}
