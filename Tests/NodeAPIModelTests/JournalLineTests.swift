import Foundation
import HeadnetCore
import HeadNetwork
import Testing

@testable import NodeAPIModel

/// The node API's contract: the journal line as the node writes it and every client reads it,
/// and the `/status` document.
@Suite struct JournalLineTests {
    func line(index: Int, revision: Int64 = 7, batchIndex: Int = 0, sender: String = "127.0.0.1:5001", payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        _ = JournalLine.append(
            index: index, revision: revision, batchIndex: batchIndex, escapedSender: JournalLine.escaped(sender), payload: payload, to: &out)
        return out
    }

    @Test func whatTheNodeWritesEveryClientDecodesAndJSONEncoderAgrees() throws {
        let payload = Array("hello, {\"sender\":\"x\"} / ü".utf8)
        let written = line(index: 42, revision: 9, batchIndex: 3, sender: "[::1]:5002", payload: payload)
        #expect(written.last == 0x0a)
        let entry = try #require(JournalLine.decode(written.dropLast()))
        #expect(entry == JournalEntry(index: 42, revision: 9, batchIndex: 3, sender: "[::1]:5002", payload: Data(payload).base64EncodedString()))
        #expect(entry.payloadBytes == payload && entry.payloadByteCount == payload.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(Array(try encoder.encode(entry)) + [0x0a] == written, "the hand-written line is JSONEncoder's, keys sorted")
        let fields = written.dropLast().withUnsafeBufferPointer { JournalLine.scan($0) }
        #expect(fields?.index == 42 && fields?.revision == 9 && fields?.batchIndex == 3)
    }

    /// Found by `fuzz-journal`: a number of more than 18 digits overflowed `Int64` in `scan`
    /// (a trap: a corrupt journal crashed the node that loaded it) instead of being refused.
    @Test func scanRefusesNumbersTooLongForAnInt64WithoutTrapping() throws {
        let crashing = #"{"batchIndex":0,"index":1,"payload":"AQ==","revision":00000000001000000000000000000000"#  // Fuzz/Corpus/journal/crash-scan-integer-overflow
        #expect(Array(crashing.utf8).withUnsafeBufferPointer { JournalLine.scan($0) } == nil)
        #expect(JournalLine.decode(Array(crashing.utf8)) == nil)
        for digits in [19, 20, 40] {
            let number = "9" + String(repeating: "0", count: digits - 1)
            for key in ["batchIndex", "index", "revision"] {
                var fields = ["batchIndex": "0", "index": "1", "revision": "5"]
                fields[key] = number
                let text = #"{"batchIndex":\#(fields["batchIndex"]!),"index":\#(fields["index"]!),"payload":"AQ==","revision":\#(fields["revision"]!),"sender":"a:1"}"#
                #expect(Array(text.utf8).withUnsafeBufferPointer { JournalLine.scan($0) } == nil, "\(key) of \(digits) digits")
            }
        }
        let largest = Int64(String(repeating: "9", count: 18))!
        let written = line(index: 1, revision: largest, payload: [1])
        #expect(written.dropLast().withUnsafeBufferPointer { JournalLine.scan($0) }?.revision == largest)
    }

    @Test func decodeAllSkipsLinesThatAreNotEntries() {
        let text = line(index: 1, payload: [1]) + Array("not json\n{\"index\":2}\n".utf8) + line(index: 3, payload: [3])
        #expect(JournalLine.decodeAll(text).map(\.index) == [1, 3])
    }

    @Test func thePayloadsFirstBytesComeWithoutAJSONDecoder() {
        let payload = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        for count in [1, 2, 3, 4, 16, 60] {
            #expect(JournalLine.payloadPrefix(in: line(index: 123_456, payload: payload), count: count).map { Array($0.prefix(count)) }
                == Array(payload.prefix(count)))
        }
        #expect(JournalLine.payloadPrefix(in: line(index: 1, payload: []), count: 8) == [])
        #expect(JournalLine.payloadPrefix(in: Array(#"{"index":1}"#.utf8), count: 8) == nil)
        #expect(JournalLine.payloadPrefix(in: Array(#"{"batchIndex":0,"index":1,"payload":"%%%%"}"#.utf8), count: 3) == nil)
    }

    @Test func base64OfWholeGroupsDecodesLikeFoundation() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let text = Array(Data(bytes).base64EncodedString().utf8)
            #expect(Base64Prefix.decode(text[...]) == bytes)
        }
    }

    @Test func theStatusDocumentRoundTrips() throws {
        var network = NetworkStatus()
        network.connected = true
        network.queueDepth = 3
        network.queueCapacity = 100
        network.queueOldestWaitSeconds = 1.5
        network.peers = [Address(hostname: "127.0.0.1", port: 5002)]
        let status = NodeStatus(
            nodeID: "alice", cluster: ClusterLabel(name: "devnet", identity: "abc", spec: "/p/clusters/devnet.yaml"), advertise: "127.0.0.1:5001",
            clientURL: "http://127.0.0.1:2379", network: network, delivered: 5,
            lastDelivered: JournalEntry(index: 5, revision: 12, batchIndex: 0, sender: "127.0.0.1:5002", payload: "AQ=="), messagesMissed: 0)
        let decoded = try JSONDecoder().decode(NodeStatus.self, from: try JSONEncoder().encode(status))
        #expect(decoded.nodeID == "alice" && decoded.cluster == status.cluster && decoded.network == network)
        #expect(decoded.lastDelivered == status.lastDelivered && decoded.delivered == 5)
    }
}
