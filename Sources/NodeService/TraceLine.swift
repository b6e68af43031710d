import Foundation

/// The lines of a node's trace (`trace.ndjson`): the network component's entries, plus the
/// node's own `BroadcastQueued` and `Delivered`, each stamped with the time it was written.
public enum TraceLine {
    /// `json` (one JSON object) with `"time":"<ISO 8601, ms>"` added first.
    public static func stamped(_ json: String, at date: Date = Date()) -> String {
        guard json.hasPrefix("{") else { return json }
        let rest = json.dropFirst()
        let time = "\"time\":\"\(date.formatted(timeFormat))\""
        return "{" + time + (rest.hasPrefix("}") ? "" : ",") + rest
    }

    /// A payload was queued for broadcast through the API.
    public static func broadcastQueued(bytes: Int) -> String {
        object(["tag": "BroadcastQueued", "bytes": bytes])
    }

    /// A message was delivered and journaled at `index`.
    public static func delivered(index: Int, revision: Int64, sender: String, bytes: Int) -> String {
        // Written by hand (keys sorted, as ``object(_:)`` writes them): one per delivered message.
        let sender = String(decoding: JournalLine.escaped(sender), as: UTF8.self)
        return #"{"bytes":\#(bytes),"index":\#(index),"revision":\#(revision),"sender":"\#(sender)","tag":"Delivered"}"#
    }

    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private static func object(_ fields: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
