import HeadnetCore

/// The one error type of the `CBOR` module: malformed or unsupported input, with the byte offset.
public struct CBORError: CodedError, Hashable {
    /// What is wrong with the input.
    public enum Code: String, Sendable, Hashable {
        /// The input ends inside an item.
        case truncated
        /// Additional information 28–30, or an indefinite length where none is allowed.
        case invalidHead
        /// A length does not fit in memory or in the input.
        case lengthTooLarge
        /// Containers are nested deeper than the decoder allows.
        case nestingTooDeep
        /// A text string is not valid UTF-8.
        case invalidUTF8
        /// A break byte (`0xff`) outside an indefinite-length item.
        case unexpectedBreak
        /// Bytes left after the single item that was expected.
        case trailingBytes
        /// A chunk of an indefinite string is not a definite string of the same type.
        case invalidIndefiniteChunk
        /// A simple value encoded in two bytes below 32.
        case invalidSimpleValue
        /// A well-formed item of another type than the caller expected.
        case unexpectedType
    }

    /// What is wrong.
    public var code: Code
    /// Byte offset in the input where the problem was found.
    public var offset: Int
    /// What is wrong, in words, and what to do.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, at offset: Int, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    /// None: a CBOR error is found in the input, never caused by another error (so the type
    /// stays `Hashable`).
    public var cause: (any Error)? { nil }

    /// `CBOR <code> at byte <offset>: <message>`: its own text, since the offset is the point.
    public var description: String { "CBOR \(code.rawValue) at byte \(offset): \(message)" }
}
