import Foundation

/// The `MessagesMissed` events of a node's trace: the revision ranges it reported compacted
/// before it could read them.
enum MissedRanges {
    private struct Event: Decodable {
        var tag: String
        var from: Int64
        var to: Int64
    }

    /// The ranges in the trace file at `url` (none when it cannot be read).
    static func read(_ url: URL) -> [ClosedRange<Int64>] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard line.contains("\"MessagesMissed\""), let event = try? JSONDecoder().decode(Event.self, from: Data(line.utf8)),
                event.tag == "MessagesMissed", event.from <= event.to
            else { return nil }
            return event.from...event.to
        }
    }
}
