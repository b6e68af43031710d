import CBOR

/// The `version` key's value: `"ProtocolVersion"` then the number, a CBOR sequence.
public enum ProtocolVersionValue {
    /// Encodes a protocol version as Hydra does.
    public static func encode(_ version: UInt64) -> [UInt8] {
        var encoder = CBOREncoder()
        encoder.append(contentsOf: ["ProtocolVersion", .unsigned(version)])
        return encoder.bytes
    }

    /// Decodes a `version` value; throws for anything else.
    public static func decode(_ bytes: [UInt8]) throws -> UInt64 {
        do {
            var decoder = CBORDecoder(bytes)
            let tag = try decoder.decodeText()
            guard tag == "ProtocolVersion" else {
                throw HeadNetworkError(.decoding, "expected constructor \"ProtocolVersion\", found \"\(tag)\"")
            }
            let version = try decoder.decodeUnsigned()
            guard decoder.isAtEnd else { throw HeadNetworkError(.decoding, "the version value has trailing bytes") }
            return version
        } catch let error as CBORError {
            throw HeadNetworkError(.decoding, "not a ProtocolVersion value", cause: error)
        }
    }
}
