import Foundation
import NodeAPIModel
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The lines of a node's trace (`trace.ndjson`): the network component's entries, plus the
/// node's own `BroadcastQueued` and `Delivered`, each stamped with the time it was written.
///
/// The node writes a line per broadcast and per delivered message, thousands a second under
/// load: these lines are put together by hand, not through a JSON encoder or a date formatter.
public enum TraceLine {
    /// `json` (one JSON object) with `"time":"<ISO 8601 UTC, ms>"` added first.
    public static func stamped(_ json: String, at date: Date = Date()) -> String {
        stamped(json, time: timestamp(date))
    }

    /// `json` with `"time":"<time>"` added first, `time` being a ``timestamp(_:)``: the lines of
    /// one batch share one.
    public static func stamped(_ json: String, time: String) -> String {
        guard json.hasPrefix("{") else { return json }
        let rest = json.utf8.dropFirst()
        var line = ""
        line.reserveCapacity(json.utf8.count + time.utf8.count + 12)
        line += #"{"time":""#
        line += time
        line += rest.first == UInt8(ascii: "}") ? "\"" : "\","
        line += Substring(rest)
        return line
    }

    /// A payload was queued for broadcast through the API.
    public static func broadcastQueued(bytes: Int) -> String {
        #"{"bytes":\#(bytes),"tag":"BroadcastQueued"}"#
    }

    /// A message was delivered and journaled at `index`.
    public static func delivered(index: Int, revision: Int64, sender: String, bytes: Int) -> String {
        #"{"bytes":\#(bytes),"index":\#(index),"revision":\#(revision),"sender":"\#(String(decoding: JournalLine.escaped(sender), as: UTF8.self))","tag":"Delivered"}"#
    }

    /// The last time stamp made, by its millisecond: lines come thousands a second, so most
    /// reuse it.
    private static let latest = Mutex<(milliseconds: Int64, text: String)>((-1, ""))

    /// `2026-11-25T21:04:33.123Z` for `date`: the time stamp of a trace line.
    public static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        if let text = latest.withLock({ $0.milliseconds == milliseconds ? $0.text : nil }) { return text }
        let text = format(milliseconds: milliseconds)
        latest.withLock { $0 = (milliseconds, text) }
        return text
    }

    private static func format(milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds.quotientAndRemainder(dividingBy: 1000).quotient)
        let fraction = Int(milliseconds - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(width - text.count, 0)) + text
        }
        return "\(digits(parts.tm_year + 1900, 4))-\(digits(parts.tm_mon + 1, 2))-\(digits(parts.tm_mday, 2))T"
            + "\(digits(parts.tm_hour, 2)):\(digits(parts.tm_min, 2)):\(digits(parts.tm_sec, 2)).\(digits(Int32(fraction), 3))Z"
    }
}
