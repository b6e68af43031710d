import NodeAPIModel

/// Checks every node's delivered journal against the load record, as etcd's tester checks after
/// every round: per node and sender, what was lost (accepted, never delivered), duplicated,
/// delivered out of the sender's order, or delivered without having been sent. A message a node
/// never delivered because it reported its revision missed (compacted while the node was away)
/// is reported as missed, never as silent loss.
///
/// Decides from values only: the load record, the journals and the reported missed ranges.
public enum InvariantChecker {
    /// A message's identity: its payload's sender and sequence number.
    struct Key: Hashable {
        var sender: String
        var seq: Int
    }

    /// Checks the journals.
    ///
    /// - Parameters:
    ///   - sent: the load record, one entry per message.
    ///   - journals: each node's journal entries, in journal order; entries whose payload is not
    ///     a ``NodeAPIModel/SequencedPayload`` (another client's) are left out.
    ///   - missed: the revision ranges each node reported missed.
    /// - Returns: the findings, nodes in `journals`' key order sorted by name.
    public static func check(
        sent: [SentMessage], journals: [String: [JournalEntry]], missed: [String: [ClosedRange<Int64>]] = [:]
    ) -> InvariantReport {
        var report = InvariantReport()
        var outcomes: [Key: SentMessage.Outcome] = [:]
        for message in sent {
            outcomes[Key(sender: message.sender, seq: message.seq)] = message.outcome
            switch message.outcome {
            case .accepted:
                report.accepted += 1
                if message.attempts > 1 { report.retried += 1 }
                if message.replayed { report.replayed += 1 }
            case .refused: report.refused += 1
            case .uncertain: report.uncertain += 1
            }
        }
        let decoded = journals.mapValues { entries in
            entries.compactMap { entry in
                SequencedPayload.decode(prefix: entry.payloadBytes.prefix(SequencedPayload.prefixBytes)).map { (entry, Key(sender: $0.sender, seq: $0.seq)) }
            }
        }
        var revisions: [Key: Int64] = [:]
        for entries in decoded.values {
            for (entry, key) in entries where revisions[key] == nil { revisions[key] = entry.revision }
        }
        let accepted = sent.filter { $0.outcome == .accepted }.map { Key(sender: $0.sender, seq: $0.seq) }
        for node in journals.keys.sorted() {
            var findings = InvariantReport.Node(node: node)
            findings.missedRanges = missed[node] ?? []
            var seen: Set<Key> = []
            var lastSeq: [String: Int] = [:]
            for (entry, key) in decoded[node] ?? [] {
                let message = InvariantReport.Message(sender: key.sender, seq: key.seq, revision: entry.revision, index: entry.index)
                guard seen.insert(key).inserted else {
                    findings.duplicated.append(message)
                    continue
                }
                findings.delivered += 1
                switch outcomes[key] {
                case nil, .refused: findings.neverSent.append(message)
                case .accepted, .uncertain: break
                }
                if let last = lastSeq[key.sender], key.seq < last { findings.outOfOrder.append(message) }
                lastSeq[key.sender] = max(lastSeq[key.sender] ?? 0, key.seq)
            }
            for key in accepted where !seen.contains(key) {
                let revision = revisions[key]
                let message = InvariantReport.Message(sender: key.sender, seq: key.seq, revision: revision)
                if let revision, findings.missedRanges.contains(where: { $0.contains(revision) }) {
                    findings.missed.append(message)
                } else {
                    findings.lost.append(message)
                }
            }
            report.nodes.append(findings)
        }
        return report
    }
}
