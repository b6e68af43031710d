/// The `Idempotency-Key` header of `POST /broadcast`: a client's name for one message, so that a
/// retry after a lost answer is not broadcast twice. A node answers a retry whose key it accepted
/// before (within its window, across restarts) as it answered the first time — 202 — and queues
/// nothing; a key whose request was refused is not remembered.
///
/// A key is 1 to 255 visible ASCII characters, `!` (0x21) to `~` (0x7E): letters, digits and
/// punctuation, no spaces or control characters (a UUID, or `sender-42`).
public struct IdempotencyKey: Sendable, Hashable, CustomStringConvertible {
    /// The request header's name.
    public static let header = "Idempotency-Key"
    /// The header the node adds (value `true`) to its answer to a retry it recognised; the
    /// status and body are those of the first answer.
    public static let replayedHeader = "Idempotent-Replayed"
    /// The longest key, in characters.
    public static let maxLength = 255
    /// What a key may be, in words (for error messages).
    public static let rule = "1 to 255 visible ASCII characters (letters, digits and punctuation, ! to ~; no spaces or control characters)"

    /// The key.
    public let value: String

    /// The key `value`, or nil when it is not 1 to 255 visible ASCII characters (``problem(with:)`` says why).
    public init?(_ value: String) {
        guard Self.problem(with: value) == nil else { return nil }
        self.value = value
    }

    /// The key's bytes (its ASCII characters).
    public var bytes: [UInt8] { Array(value.utf8) }

    /// The key.
    public var description: String { value }

    /// Why `text` is not a key, in words that name the rule; nil when it is one.
    public static func problem(with text: String) -> String? {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return "it is empty; a key is \(rule)" }
        if let position = bytes.firstIndex(where: { !(0x21...0x7E).contains($0) }) {
            let what = switch bytes[position] {
            case 0x20: "a space"
            case 0..<0x20, 0x7F: "a control character"
            default: "a character outside ASCII"
            }
            return "it has \(what) at byte \(position + 1); a key is \(rule)"
        }
        if bytes.count > maxLength { return "it has \(bytes.count) characters; a key is \(rule)" }
        return nil
    }
}
