import CBOR

/// How the application's messages are written to and read from CBOR.
///
/// A message may span several CBOR items (Hydra writes a constructor name followed by its
/// fields), so decoding reads from a shared ``CBORDecoder`` positioned at the message.
public protocol MessageCodec: Sendable {
    /// The application's message type.
    associatedtype Message: Sendable

    /// The message's CBOR encoding (one or more items).
    func encode(_ message: Message) -> [UInt8]

    /// Reads one message starting at the decoder's position.
    func decode(from decoder: inout CBORDecoder) throws -> Message
}

/// Messages that are opaque byte payloads, each encoded as one CBOR byte string.
/// Used by `headnet node`, whose HTTP API broadcasts raw payloads.
public struct PayloadCodec: MessageCodec {
    /// Creates the codec.
    public init() {}

    /// A CBOR byte string holding the payload.
    public func encode(_ message: [UInt8]) -> [UInt8] { CBOR.bytes(message).encoded }

    /// Reads one CBOR byte string.
    public func decode(from decoder: inout CBORDecoder) throws -> [UInt8] {
        let start = decoder.offset
        guard let bytes = try decoder.decodeNext().bytesValue else {
            throw CBORError(.unexpectedType, at: start, "expected a byte string payload")
        }
        return bytes
    }
}

/// The value stored at `msg-<advertise>`: a batch of encoded messages in an indefinite-length
/// CBOR array (`0x9f` … `0xff`), always, even for one message.
public enum BroadcastBatch {
    /// Most messages in one value.
    public static let maxMessages = 50
    /// Most message bytes in one value (the first message is taken even when bigger).
    public static let maxBytes = 256 * 1024

    /// Wraps already-encoded messages into a batch value.
    public static func value(of encodedMessages: [[UInt8]]) -> [UInt8] {
        var encoder = CBOREncoder(reservingCapacity: encodedMessages.reduce(2) { $0 + $1.count })
        encoder.beginIndefiniteArray()
        for message in encodedMessages { encoder.appendEncoded(message) }
        encoder.endIndefinite()
        return encoder.bytes
    }

    /// How many of `sizes` (encoded message sizes, queue order) go into the next batch.
    public static func count(sizes: [Int], maxMessages: Int = maxMessages, maxBytes: Int = maxBytes) -> Int {
        guard !sizes.isEmpty else { return 0 }
        var taken = 1
        var bytes = sizes[0]
        while taken < min(sizes.count, maxMessages), bytes + sizes[taken] <= maxBytes {
            bytes += sizes[taken]
            taken += 1
        }
        return taken
    }

    /// Decodes a `msg-` value: a batch if it is an indefinite array of messages, else one legacy
    /// message; throws when it is neither.
    public static func decode<Codec: MessageCodec>(_ value: [UInt8], codec: Codec) throws -> [Codec.Message] {
        var batchError: (any Error)?
        if value.first == 0x9f {
            do {
                var decoder = CBORDecoder(value)
                try decoder.beginIndefiniteArray()
                var messages: [Codec.Message] = []
                while !decoder.atBreak {
                    guard !decoder.isAtEnd else { throw CBORError(.truncated, at: decoder.offset, "the batch has no break") }
                    messages.append(try codec.decode(from: &decoder))
                }
                try decoder.readBreak()
                guard decoder.isAtEnd else { throw CBORError(.trailingBytes, at: decoder.offset, "bytes after the batch") }
                return messages
            } catch {
                batchError = error
            }
        }
        do {
            var decoder = CBORDecoder(value)
            let message = try codec.decode(from: &decoder)
            guard decoder.isAtEnd else { throw CBORError(.trailingBytes, at: decoder.offset, "bytes after the message") }
            return [message]
        } catch {
            let reason = batchError.map { "as a batch: \($0); as one message: \(error)" } ?? "as one message: \(error)"
            throw HeadNetworkError(.decoding, "not a batch and not one message (\(reason))")
        }
    }
}
