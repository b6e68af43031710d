import CBOR
import HeadnetCore

/// How a head's nodes write their etcd values, chosen by the protocol version (DESIGN.md §4):
///
/// | | ``release`` (protocol 1, Hydra 2.3.0) | ``master`` (protocol 2 and later) |
/// |---|---|---|
/// | `version` | the bare number (`01`) | `"ProtocolVersion"` then the number |
/// | `alive-` | hostname text, port integer | `"Host"`, hostname text, port |
/// | `msg-` | one message's encoding, one put per message | indefinite array of messages |
///
/// Readers decode what their dialect says; a value in the other dialect is a decoding error
/// (traced as `FailedToDecodeValue`), never a crash. ``detect(versionValue:)`` tells which
/// dialect a head speaks from its `version` key alone.
public enum WireDialect: Sendable, Hashable, CustomStringConvertible {
    /// Protocol 1: Hydra 2.3.0, the release people run.
    case release
    /// Protocol 2: Hydra master (since b168153b4).
    case master

    /// The dialect of `protocolVersion`: 1 is ``release``, anything later ``master``.
    public init(protocolVersion: UInt64) {
        self = protocolVersion <= 1 ? .release : .master
    }

    /// `protocol 1 (Hydra 2.3.0)` or `protocol 2+ (Hydra master)`.
    public var description: String {
        switch self {
        case .release: "protocol 1 (Hydra 2.3.0)"
        case .master: "protocol 2+ (Hydra master)"
        }
    }

    /// Whether several messages go into one `msg-` put.
    public var batchesMessages: Bool { self == .master }

    // MARK: version

    /// The `version` key's value for `version`.
    public func versionValue(_ version: UInt64) -> [UInt8] {
        switch self {
        case .release:
            var encoder = CBOREncoder()
            encoder.append(.unsigned(version))
            return encoder.bytes
        case .master: return ProtocolVersionValue.encode(version)
        }
    }

    /// Decodes a `version` value of this dialect.
    ///
    /// - Throws: ``HeadNetworkError`` `decoding` for anything else (the other dialect included).
    public func decodeVersion(_ bytes: [UInt8]) throws -> UInt64 {
        switch self {
        case .master: return try ProtocolVersionValue.decode(bytes)
        case .release:
            do {
                var decoder = CBORDecoder(bytes)
                let version = try decoder.decodeUnsigned()
                guard decoder.isAtEnd else { throw HeadNetworkError(.decoding, "the version value has trailing bytes") }
                return version
            } catch let error as CBORError {
                throw HeadNetworkError(.decoding, "not a protocol-1 version value (a bare number)", cause: error)
            }
        }
    }

    /// The dialect and version a `version` value is written in; nil when it is neither.
    public static func detect(versionValue bytes: [UInt8]) -> (dialect: WireDialect, version: UInt64)? {
        for dialect in [WireDialect.master, .release] {
            if let version = try? dialect.decodeVersion(bytes) { return (dialect, version) }
        }
        return nil
    }

    // MARK: alive

    /// The value of `alive-<host>`.
    public func aliveValue(_ host: Address) -> [UInt8] {
        switch self {
        case .master: return host.cbor
        case .release:
            var encoder = CBOREncoder()
            encoder.append(contentsOf: [.text(host.hostname), .unsigned(UInt64(host.port))])
            return encoder.bytes
        }
    }

    /// Decodes an `alive-` value of this dialect.
    ///
    /// - Throws: ``HeadNetworkError`` `decoding` for anything else (the other dialect included).
    public func decodeAlive(_ bytes: [UInt8]) throws -> Address {
        switch self {
        case .master: return try Address(cbor: bytes)
        case .release:
            do {
                var decoder = CBORDecoder(bytes)
                let hostname = try decoder.decodeText()
                let port = try decoder.decodeUnsigned()
                guard decoder.isAtEnd, port <= 65535 else {
                    throw HeadNetworkError(.decoding, "a protocol-1 alive value has trailing bytes or a port above 65535")
                }
                return Address(hostname: hostname, port: Int(port))
            } catch let error as CBORError {
                throw HeadNetworkError(.decoding, "not a protocol-1 alive value (hostname text, then the port)", cause: error)
            }
        }
    }

    // MARK: msg

    /// The value of one `msg-` put carrying `encodedMessages` (already encoded, queue order).
    /// In ``release`` a put carries exactly one message: pass one.
    public func messageValue(_ encodedMessages: [[UInt8]]) -> [UInt8] {
        switch self {
        case .master: return BroadcastBatch.value(of: encodedMessages)
        case .release:
            precondition(encodedMessages.count == 1, "protocol 1 puts one message per value")
            return encodedMessages[0]
        }
    }

    /// The messages in a `msg-` value of this dialect.
    ///
    /// - Throws: when the value does not decode (for ``release``: is not exactly one message).
    public func decodeMessages<Codec: MessageCodec>(_ value: [UInt8], codec: Codec) throws -> [Codec.Message] {
        switch self {
        case .master: return try BroadcastBatch.decode(value, codec: codec)
        case .release:
            var decoder = CBORDecoder(value)
            let message = try codec.decode(from: &decoder)
            guard decoder.isAtEnd else { throw HeadNetworkError(.decoding, "a protocol-1 message value has trailing bytes") }
            return [message]
        }
    }
}
