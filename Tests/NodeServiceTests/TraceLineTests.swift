import Foundation
import Testing

@testable import NodeService

/// The node's own trace lines and the time stamp on every line.
@Suite struct TraceLineTests {
    @Test func everyLineIsStampedWithItsTime() throws {
        let stamped = TraceLine.stamped(#"{"tag":"Reconnecting"}"#, at: Date(timeIntervalSince1970: 0))
        #expect(stamped == #"{"time":"1970-01-01T00:00:00.000Z","tag":"Reconnecting"}"#)
        #expect(TraceLine.stamped("{}", at: Date(timeIntervalSince1970: 0)) == #"{"time":"1970-01-01T00:00:00.000Z"}"#)
        #expect(TraceLine.stamped("not json") == "not json")
        // A batch's lines share one time stamp; the stamp of a millisecond is made once.
        #expect(TraceLine.stamped(#"{"tag":"Delivered"}"#, time: "T") == #"{"time":"T","tag":"Delivered"}"#)
        #expect(TraceLine.stamped("{}", time: "T") == #"{"time":"T"}"#)
        #expect(TraceLine.timestamp(Date(timeIntervalSince1970: 60.0001)) == "1970-01-01T00:01:00.000Z")
        #expect(TraceLine.timestamp(Date(timeIntervalSince1970: 60.0009)) == "1970-01-01T00:01:00.000Z")
        #expect(TraceLine.timestamp(Date(timeIntervalSince1970: 60.0011)) == "1970-01-01T00:01:00.001Z")
    }

    @Test func deliveredAndQueuedCarryWhatLogsTraceShows() throws {
        let delivered = try #require(try JSONSerialization.jsonObject(
            with: Data(TraceLine.delivered(index: 3, revision: 9, sender: "127.0.0.1:5002", bytes: 5).utf8)) as? [String: Any])
        #expect(delivered["tag"] as? String == "Delivered" && delivered["index"] as? Int == 3 && delivered["sender"] as? String == "127.0.0.1:5002")
        #expect(
            TraceLine.delivered(index: 3, revision: 9, sender: "a\"b", bytes: 5)
                == #"{"bytes":5,"index":3,"revision":9,"sender":"a\"b","tag":"Delivered"}"#)
        #expect(TraceLine.broadcastQueued(bytes: 5) == #"{"bytes":5,"tag":"BroadcastQueued"}"#)
    }

    @Test func handMadeLinesAreTheJSONAnEncoderWouldWrite() throws {
        let line = TraceLine.delivered(index: 12, revision: -1, sender: "a\"b\\c\n\u{1}é", bytes: 0)
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(decoded["sender"] as? String == "a\"b\\c\n\u{1}é" && decoded["revision"] as? Int == -1)
        let reference = try JSONSerialization.data(
            withJSONObject: ["tag": "Delivered", "index": 12, "revision": 9, "sender": "127.0.0.1:5002", "bytes": 5], options: [.sortedKeys, .withoutEscapingSlashes])
        #expect(TraceLine.delivered(index: 12, revision: 9, sender: "127.0.0.1:5002", bytes: 5) == String(decoding: reference, as: UTF8.self))
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for date in [Date(timeIntervalSince1970: 1_795_640_673.1239), Date(timeIntervalSince1970: 951_782_400.75), Date(timeIntervalSince1970: 0.0004)] {
            #expect(TraceLine.timestamp(date) == date.formatted(style))
        }
    }
}
