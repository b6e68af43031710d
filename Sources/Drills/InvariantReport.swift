/// What the invariant checker found: per node, the messages lost, missed (reported), duplicated,
/// out of order, or delivered but never sent — with the first offending entries.
public struct InvariantReport: Sendable, Hashable, Codable {
    /// A message, and where a node's journal has it.
    public struct Message: Sendable, Hashable, Codable, CustomStringConvertible {
        /// The payload's sender.
        public var sender: String
        /// The payload's sequence number.
        public var seq: Int
        /// The etcd revision that carried it, when some node delivered it.
        public var revision: Int64?
        /// Its index in the node's journal, when the node delivered it.
        public var index: Int?

        /// `alice#17 (revision 240, journal index 35)`.
        public var description: String {
            let place = [revision.map { "revision \($0)" }, index.map { "journal index \($0)" }].compactMap { $0 }
            return "\(sender)#\(seq)" + (place.isEmpty ? "" : " (\(place.joined(separator: ", ")))")
        }
    }

    /// One node's findings.
    public struct Node: Sendable, Hashable, Codable {
        /// The node.
        public var node: String
        /// Sequenced messages it delivered (first deliveries).
        public var delivered = 0
        /// Accepted messages it never delivered, outside any missed range: silent loss.
        public var lost: [Message] = []
        /// Accepted messages it never delivered because it reported their revisions missed
        /// (compacted before it read them).
        public var missed: [Message] = []
        /// The revision ranges it reported missed (`MessagesMissed`).
        public var missedRanges: [ClosedRange<Int64>] = []
        /// Second and later deliveries of a message.
        public var duplicated: [Message] = []
        /// Messages delivered after a later message of the same sender.
        public var outOfOrder: [Message] = []
        /// Sequenced messages no sender sent, or whose send was refused.
        public var neverSent: [Message] = []

        /// Creates an empty finding for `node`.
        public init(node: String) {
            self.node = node
        }
    }

    /// Messages the nodes accepted, refused, and left uncertain.
    public var accepted = 0, refused = 0, uncertain = 0
    /// Accepted messages whose first answer was lost (accepted on a retry with their key), and
    /// those of them the node answered as a replay (the lost answer had been an acceptance).
    public var retried = 0, replayed = 0
    /// Each node's findings, in the order given.
    public var nodes: [Node] = []

    /// Creates an empty report.
    public init() {}

    /// One line per expectation that fails, naming the node and the first offending messages;
    /// empty when every one holds.
    public func failures(_ expectations: Drill.Expectations, examples: Int = 3) -> [String] {
        func list(_ messages: [Message]) -> String {
            messages.prefix(examples).map(\.description).joined(separator: ", ") + (messages.count > examples ? ", …" : "")
        }
        var failures: [String] = []
        for node in nodes {
            if expectations.noLoss, !node.lost.isEmpty {
                failures.append("\(node.node) lost \(node.lost.count) accepted message\(node.lost.count == 1 ? "" : "s"): \(list(node.lost))")
            }
            if expectations.noLoss, !expectations.missedReported, !node.missed.isEmpty {
                failures.append("\(node.node) missed \(node.missed.count) message\(node.missed.count == 1 ? "" : "s") to compaction (reported): \(list(node.missed))")
            }
            if expectations.missedReported, !node.missedRanges.isEmpty, node.missed.isEmpty {
                failures.append("\(node.node) reported revisions \(node.missedRanges.map { "\($0.lowerBound)…\($0.upperBound)" }.joined(separator: ", ")) missed, but no accepted message was in them")
            }
            if expectations.noDuplicates, !node.duplicated.isEmpty {
                failures.append("\(node.node) delivered \(node.duplicated.count) message\(node.duplicated.count == 1 ? "" : "s") again: \(list(node.duplicated))")
            }
            if expectations.perSenderOrder, !node.outOfOrder.isEmpty {
                failures.append("\(node.node) delivered \(node.outOfOrder.count) message\(node.outOfOrder.count == 1 ? "" : "s") out of its sender's order: \(list(node.outOfOrder))")
            }
            if !node.neverSent.isEmpty {
                failures.append("\(node.node) delivered \(node.neverSent.count) message\(node.neverSent.count == 1 ? "" : "s") that no node accepted: \(list(node.neverSent))")
            }
        }
        if expectations.missedReported, nodes.allSatisfy({ $0.missedRanges.isEmpty }) {
            failures.append("no node reported missed revisions (MessagesMissed), though the drill expects it")
        }
        return failures
    }
}
