import Foundation
import Testing

@testable import NodeAPIModel

/// `{sender, seq}` payloads and reading them back out of journal lines.
@Suite struct PayloadTests {
    @Test(arguments: [64, 100, 1024, 4096])
    func aPayloadIsPaddedToItsSizeAndValidJSON(size: Int) throws {
        let bytes = SequencedPayload(sender: "b1a2b-s63", seq: 12345).encoded(size: size)
        #expect(bytes.count == size)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["sender"] as? String == "b1a2b-s63")
        #expect(object["seq"] as? Int == 12345)
        #expect((object["pad"] as? String)?.allSatisfy { $0 == "x" } == true)
    }

    @Test func aPayloadTooSmallForItsFieldsIsLongerInsteadOfCut() {
        let bytes = SequencedPayload(sender: "b1a2b-s63", seq: 7).encoded(size: 10)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"sender":"b1a2b-s63","seq":7,"pad":""}"#)
    }

    @Test func senderAndSeqAreReadFromThePrefixAlone() {
        let payload = SequencedPayload(sender: "b00ff-l2", seq: 99_999_999)
        let bytes = payload.encoded(size: 1024)
        #expect(SequencedPayload.decode(prefix: bytes.prefix(SequencedPayload.prefixBytes)) == payload)
        #expect(SequencedPayload.decode(prefix: bytes) == payload)
        #expect(SequencedPayload.decode(prefix: Array(#"{"sender":"a","seq":3}"#.utf8)) == SequencedPayload(sender: "a", seq: 3))
    }

    @Test(arguments: ["hello", #"{"seq":1,"sender":"a"}"#, #"{"sender":"","seq":1,"#, #"{"sender":"a","seq":x"#, #"{"sender":"a","seq":99999999999999999999,"#])
    func otherPayloadsAreNotSequencedPayloads(text: String) {
        #expect(SequencedPayload.decode(prefix: Array(text.utf8)) == nil)
    }

    /// A line as `GET /messages` serves it (JSONEncoder, sorted keys).
    static func journalLine(index: Int, payload: [UInt8]) -> [UInt8] {
        Array(#"{"batchIndex":0,"index":\#(index),"payload":"\#(Data(payload).base64EncodedString())","revision":42,"sender":"127.0.0.1:5001"}"#.utf8)
    }

    @Test(arguments: [64, 65, 66, 1024])
    func aJournalLineYieldsItsSequencedPayload(size: Int) {
        let payload = SequencedPayload(sender: "b1a2b-s0", seq: 31)
        #expect(SequencedPayload.inJournalLine(Self.journalLine(index: 123_456, payload: payload.encoded(size: size))) == payload)
    }

    @Test func journalLinesOfOtherMessagesYieldNothing() {
        #expect(SequencedPayload.inJournalLine(Self.journalLine(index: 1, payload: Array("hello".utf8))) == nil)
        #expect(SequencedPayload.inJournalLine(Self.journalLine(index: 1, payload: [])) == nil)
        #expect(SequencedPayload.inJournalLine(Array(#"{"index":1}"#.utf8)) == nil)
        #expect(SequencedPayload.inJournalLine(Array(#"{"payload":"%%%%"}"#.utf8)) == nil)
    }
}
