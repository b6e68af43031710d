import Testing

@testable import Orchestrator

/// `headnet logs --trace`: the node's trace lines, as the node writes them, made readable.
@Suite struct TraceFormatterTests {
    let formatter = TraceFormatter(names: ["127.0.0.1:5001": "alice", "127.0.0.1:5002": "bob"])

    @Test func eventsReadAsSentences() {
        let stamp = "2026-11-25T15:39:51.758Z"
        func line(_ json: String) -> String? {
            formatter.format(#"{"time":"\#(stamp)",\#(json.dropFirst())"#)
        }
        #expect(line(#"{"bytes":5,"tag":"BroadcastQueued"}"#) == "15:39:51.758  broadcast    queued 5 bytes")
        #expect(line(#"{"messages":1,"revision":9,"tag":"BroadcastSent"}"#) == "15:39:51.758  broadcast    sent 1 message at revision 9")
        #expect(line(#"{"bytes":5,"index":3,"revision":9,"sender":"127.0.0.1:5002","tag":"Delivered"}"#)
            == "15:39:51.758  delivered    #3 from bob at revision 9 (5 bytes)")
        #expect(line(#"{"peer":"127.0.0.1:5001","tag":"PeerDisconnected"}"#) == "15:39:51.758  connectivity peer alice disconnected")
        #expect(line(#"{"from":3,"tag":"MessagesMissed","to":9}"#) == "15:39:51.758  delivered    MISSED revisions 3…9 (compacted)")
        #expect(line(#"{"ourVersion":2,"tag":"VersionMismatch","theirVersion":null}"#)?.hasSuffix("MISMATCH: ours 2, the cluster's undecodable") == true)
        #expect(line(#"{"tag":"SomethingNew","x":1}"#) == "15:39:51.758  SomethingNew x=1")
    }

    @Test func etcdLinesAndNonJSONAreSkipped() {
        #expect(formatter.format(#"{"tag":"EtcdLog","etcd":{"msg":"x"}}"#) == nil)
        #expect(formatter.format("not json") == nil)
    }
}

extension TraceFormatterTests {
    @Test func longEventNamesAreNotCut() {
        #expect(formatter.format(#"{"tag":"FailedToDecodeValue","key":"k"}"#)?.contains("FailedToDecodeValue key=k") == true)
    }
}
