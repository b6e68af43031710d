import Foundation

/// One line of `delivered.ndjson`, written by hand rather than with `JSONEncoder`:
///
///     {"batchIndex":0,"index":1,"payload":"AQ==","revision":5,"sender":"127.0.0.1:5001"}
///
/// The keys are sorted, as `JSONEncoder` with `.sortedKeys` writes them, so `JSONDecoder` reads
/// the lines as ``JournalEntry``. Unlike `JSONEncoder`, `/` is not escaped; journals written
/// with `\/` still load (see ``scan(_:)``). The node writes its journal and serves
/// `GET /messages` in this form; every reader decodes it here: ``decode(_:)`` whole, or
/// ``payloadPrefix(in:count:)`` for the first bytes of the payload alone (cheap enough for
/// thousands of lines a second).
public enum JournalLine {
    /// The escaped form of a sender's `host:port`, ready to go between quotes.
    public static func escaped(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [backslash, byte]
            case backslash: out += [backslash, backslash]
            case 0x0a: out += [backslash, UInt8(ascii: "n")]
            case 0x0d: out += [backslash, UInt8(ascii: "r")]
            case 0x09: out += [backslash, UInt8(ascii: "t")]
            case 0x08: out += [backslash, UInt8(ascii: "b")]
            case 0x0c: out += [backslash, UInt8(ascii: "f")]
            case ..<0x20: out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
            default: out.append(byte)
            }
        }
        return out
    }

    /// Appends the line (with its newline) to `out`; returns where the base64 payload is in it.
    public static func append(
        index: Int, revision: Int64, batchIndex: Int, escapedSender: [UInt8], payload: [UInt8], to out: inout [UInt8]
    ) -> Range<Int> {
        out.append(contentsOf: batchIndexKey)
        out.append(contentsOf: String(batchIndex).utf8)
        out.append(contentsOf: indexKey)
        out.append(contentsOf: String(index).utf8)
        out.append(contentsOf: payloadKey)
        let start = out.count
        appendBase64(payload, to: &out)
        let end = out.count
        out.append(contentsOf: revisionKey)
        out.append(contentsOf: String(revision).utf8)
        out.append(contentsOf: senderKey)
        out.append(contentsOf: escapedSender)
        out.append(contentsOf: closing)
        return start..<end
    }

    /// Standard base64 with padding, as `Data.base64EncodedString()` writes it.
    static func appendBase64(_ bytes: [UInt8], to out: inout [UInt8]) {
        let length = (bytes.count + 2) / 3 * 4
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: length))
        out.withUnsafeMutableBufferPointer { target in
            bytes.withUnsafeBufferPointer { source in
                var read = 0
                var write = start
                while read + 3 <= source.count {
                    let value = UInt32(source[read]) << 16 | UInt32(source[read + 1]) << 8 | UInt32(source[read + 2])
                    target[write] = alphabet[Int(value >> 18)]
                    target[write + 1] = alphabet[Int(value >> 12 & 63)]
                    target[write + 2] = alphabet[Int(value >> 6 & 63)]
                    target[write + 3] = alphabet[Int(value & 63)]
                    read += 3
                    write += 4
                }
                let rest = source.count - read
                guard rest > 0 else { return }
                let value = UInt32(source[read]) << 16 | (rest == 2 ? UInt32(source[read + 1]) << 8 : 0)
                target[write] = alphabet[Int(value >> 18)]
                target[write + 1] = alphabet[Int(value >> 12 & 63)]
                target[write + 2] = rest == 2 ? alphabet[Int(value >> 6 & 63)] : UInt8(ascii: "=")
                target[write + 3] = UInt8(ascii: "=")
            }
        }
    }

    /// The fields the loader needs from a line (without its newline) in the form this journal
    /// writes — or that `JSONEncoder` wrote, with `\/` in the payload — or nil for anything else
    /// (the loader then asks `JSONDecoder`). Accepts only lines `JSONDecoder` reads as an entry.
    public static func scan(_ line: UnsafeBufferPointer<UInt8>) -> (index: Int, revision: Int64, batchIndex: Int)? {
        var scanner = Scanner(bytes: line)
        guard scanner.literal(batchIndexKey), let batchIndex = scanner.integer(),
            scanner.literal(indexKey), let index = scanner.integer(),
            scanner.literal(payloadKey), scanner.base64(),
            scanner.literal(revisionKey), let revision = scanner.integer(),
            scanner.literal(senderKey), scanner.asciiString(),
            scanner.literal(closing.dropLast()), scanner.position == line.count
        else { return nil }
        return (Int(index), revision, Int(batchIndex))
    }

    /// The entry on `line` (without its newline); nil when it is not one.
    public static func decode(_ line: some Collection<UInt8>) -> JournalEntry? {
        try? JSONDecoder().decode(JournalEntry.self, from: Data(line))
    }

    /// The entries of NDJSON `text` (lines that are not entries are skipped).
    public static func decodeAll(_ text: some Collection<UInt8>) -> [JournalEntry] {
        Array(text).split(separator: 0x0a).compactMap { decode($0) }
    }

    /// The first `count` bytes of the payload of the entry `line` (fewer when it is shorter),
    /// decoded from the start of its base64 without a JSON decoder; nil when the line has no
    /// payload field or it is not base64. Reads only the first 256 bytes of the line: the
    /// payload field starts well before (the keys are sorted).
    public static func payloadPrefix(in line: some Collection<UInt8>, count: Int) -> [UInt8]? {
        let bytes = Array(line.prefix(256))
        guard let start = find(payloadKey, in: bytes) else { return nil }
        let base64Start = start + payloadKey.count
        // 4 base64 characters carry 3 bytes.
        let wanted = (count + 2) / 3 * 4
        var end = base64Start
        while end < bytes.count, end - base64Start < wanted, bytes[end] != UInt8(ascii: "\"") { end += 1 }
        let length = (end - base64Start) / 4 * 4
        return Base64Prefix.decode(bytes[base64Start..<(base64Start + length)])
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        mutating func literal(_ text: some Collection<UInt8>) -> Bool {
            guard bytes.count - position >= text.count else { return false }
            for byte in text {
                guard bytes[position] == byte else { return false }
                position += 1
            }
            return true
        }

        /// A non-negative integer without leading zeros, at most 18 digits (so it fits an
        /// `Int64`; the digits past the 18th are read but not added, and the integer refused).
        mutating func integer() -> Int64? {
            let start = position
            var value: Int64 = 0
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                if position - start < 18 { value = value * 10 + Int64(bytes[position] - UInt8(ascii: "0")) }
                position += 1
            }
            let digits = position - start
            guard digits > 0, digits <= 18, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
            return value
        }

        /// Base64 characters (a `/` possibly written `\/`) up to the closing quote, not consumed.
        mutating func base64() -> Bool {
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") { return true }
                if byte == JournalLine.backslash {
                    guard position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "/") else { return false }
                    position += 2
                    continue
                }
                guard JournalLine.isBase64[Int(byte)] else { return false }
                position += 1
            }
            return false
        }

        /// Printable ASCII and simple escapes up to the closing quote, not consumed.
        mutating func asciiString() -> Bool {
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") { return true }
                guard (0x20..<0x7f).contains(byte) else { return false }
                if byte == JournalLine.backslash {
                    guard position + 1 < bytes.count else { return false }
                    switch bytes[position + 1] {
                    case UInt8(ascii: "\""), JournalLine.backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                        UInt8(ascii: "r"), UInt8(ascii: "t"):
                        position += 2
                    case UInt8(ascii: "u"):
                        // Only \u00XX (what ``escaped(_:)`` writes): never a surrogate.
                        guard position + 6 <= bytes.count, bytes[position + 2] == UInt8(ascii: "0"), bytes[position + 3] == UInt8(ascii: "0"),
                            isHex(bytes[position + 4]), isHex(bytes[position + 5])
                        else { return false }
                        position += 6
                    default: return false
                    }
                    continue
                }
                position += 1
            }
            return false
        }

        private func isHex(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }

    private static let backslash = UInt8(ascii: "\\")
    private static let hex = Array("0123456789abcdef".utf8)
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let isBase64: [Bool] = (0..<256).map { byte in
        alphabet.contains(UInt8(byte)) || byte == Int(UInt8(ascii: "="))
    }
    private static let batchIndexKey = Array(#"{"batchIndex":"#.utf8)
    private static let indexKey = Array(#","index":"#.utf8)
    private static let payloadKey = Array(#","payload":""#.utf8)
    private static let revisionKey = Array(#"","revision":"#.utf8)
    private static let senderKey = Array(#","sender":""#.utf8)
    private static let closing = Array("\"}\n".utf8)
}
