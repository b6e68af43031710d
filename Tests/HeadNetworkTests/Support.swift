import CBOR
import Foundation

@testable import HeadNetwork

/// A message type in Hydra's style for wire tests: bytes, text, or `Ping n` as two items.
enum TestMessage: Sendable, Hashable {
    case bytes([UInt8])
    case text(String)
    case ping(UInt64)
}

struct TestMessageCodec: MessageCodec {
    func encode(_ message: TestMessage) -> [UInt8] {
        var encoder = CBOREncoder()
        switch message {
        case .bytes(let b): encoder.append(.bytes(b))
        case .text(let t): encoder.append(.text(t))
        case .ping(let n): encoder.append(contentsOf: ["Ping", .unsigned(n)])
        }
        return encoder.bytes
    }

    func decode(from decoder: inout CBORDecoder) throws -> TestMessage {
        let start = decoder.offset
        switch try decoder.decodeNext() {
        case .bytes(let b): return .bytes(b)
        case .text("Ping"): return .ping(try decoder.decodeUnsigned())
        case .text(let t): return .text(t)
        default: throw CBORError(.unexpectedType, at: start, "not a test message")
        }
    }
}

/// The Hydra wire fixtures from Tests/CBORTests/Fixtures/hydra-wire.json.
func wireFixtures() throws -> [String: [UInt8]] {
    struct Case: Decodable { var name: String; var hex: String }
    struct File: Decodable { var cases: [Case] }
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CBORTests/Fixtures/hydra-wire.json")
    let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    return Dictionary(uniqueKeysWithValues: file.cases.map { ($0.name, Hex.decode($0.hex)!) })
}
