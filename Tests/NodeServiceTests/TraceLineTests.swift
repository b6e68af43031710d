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
}
