import Foundation
import Processes
import Testing

@testable import CBOR

/// Byte-for-byte agreement with Python's cbor2 and with Hydra's wire fixtures.
@Suite struct CBORInteropTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test func corpusMatchesPythonCbor2ByteForByte() async throws {
        var hexes: [String: String] = [:]
        for (name, value) in CBORCorpus.entries {
            #expect(hexes[name] == nil, "duplicate corpus name \(name)")
            hexes[name] = Hex.encode(value.encoded)
            // Our own decoder agrees with our encoder on the same bytes.
            #expect(try CBOR.decode(value.encoded).encoded == value.encoded, "\(name)")
        }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-cbor-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: hexes).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }

        let result = try await Command.run("python3", [Self.fixtures.appendingPathComponent("cbor2_check.py").path, input.path])
        #expect(result.status.isSuccess, "\(result.output)")
        let data = Data(result.output.utf8)

        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(String(decoding: data, as: UTF8.self))")
        if let error = report["error"] as? String {
            Issue.record("\(error)")
            return
        }
        let checked = try #require(report["checked"] as? Int)
        let mismatches = try #require(report["mismatches"] as? [Any])
        #expect(checked >= 50)
        #expect(checked == CBORCorpus.entries.count)
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    struct WireCase: Decodable {
        var name: String
        var hex: String
    }

    static func wireCases() throws -> [String: [UInt8]] {
        struct File: Decodable { var cases: [WireCase] }
        let data = try Data(contentsOf: fixtures.appendingPathComponent("hydra-wire.json"))
        let file = try JSONDecoder().decode(File.self, from: data)
        return Dictionary(uniqueKeysWithValues: file.cases.map { ($0.name, Hex.decode($0.hex)!) })
    }

    @Test func hydraVersionAndAliveValues() throws {
        let cases = try Self.wireCases()
        for (name, version) in [("version-v1", 1), ("version-v2", 2)] {
            var encoder = CBOREncoder()
            encoder.append(contentsOf: ["ProtocolVersion", CBOR(version)])
            #expect(encoder.bytes == cases[name])
            #expect(try CBOR.decodeSequence(cases[name]!) == ["ProtocolVersion", CBOR(version)])
        }
        for (name, host, port) in [("alive-ipv4", "127.0.0.1", 5001), ("alive-ipv6", "[::1]", 5002), ("alive-dns", "alice.example", 15001)] {
            var encoder = CBOREncoder()
            encoder.append(contentsOf: ["Host", .text(host), CBOR(port)])
            #expect(encoder.bytes == cases[name], "\(name)")
            var decoder = CBORDecoder(cases[name]!)
            #expect(try decoder.decodeText() == "Host")
            #expect(try decoder.decodeText() == host)
            #expect(try decoder.decodeUnsigned() == UInt64(port))
            #expect(decoder.isAtEnd)
        }
    }

    @Test func hydraBatchesAreIndefiniteArrays() throws {
        let cases = try Self.wireCases()
        #expect(CBOR.indefiniteArray([.bytes([1, 2, 3])]).encoded == cases["batch-one"])

        // Three messages, the third in Hydra's style as two items ("Ping", 7).
        var encoder = CBOREncoder()
        encoder.beginIndefiniteArray()
        encoder.append(.bytes([1, 2, 3]))
        encoder.append("hello")
        encoder.append(contentsOf: ["Ping", 7])
        encoder.endIndefinite()
        #expect(encoder.bytes == cases["batch-three"])

        // A generic reader sees four items; a message reader reads until the break.
        var decoder = CBORDecoder(cases["batch-three"]!)
        try decoder.beginIndefiniteArray()
        var items: [CBOR] = []
        while !decoder.atBreak { items.append(try decoder.decodeNext()) }
        try decoder.readBreak()
        #expect(decoder.isAtEnd)
        #expect(items == [.bytes([1, 2, 3]), "hello", "Ping", 7])

        // A definite array is a different item: batch readers must not take it.
        var definite = CBORDecoder(cases["batch-definite-rejected"]!)
        #expect(throws: CBORError.self) { try definite.beginIndefiniteArray() }
        #expect(try CBOR.decode(cases["batch-definite-rejected"]!) == [.bytes([1, 2, 3])])
        #expect(try CBOR.decode(cases["legacy-single"]!) == 42)
    }

    @Test func dataDirHashInputIsAByteString() throws {
        let cases = try Self.wireCases()
        let initialCluster = "127.0.0.1:5001=http://127.0.0.1:5001"
        #expect(CBOR.bytes(Array(initialCluster.utf8)).encoded == cases["data-dir-hash-input"])
    }
}
