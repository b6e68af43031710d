/// Reads the bench payload out of one line of `GET /messages` (a delivered-journal entry such
/// as `{"batchIndex":0,"index":7,"payload":"eyJzZW5k…","revision":42,"sender":"127.0.0.1:5001"}`)
/// without a JSON decoder: it finds the `payload` field and base64-decodes only the first
/// ``BenchPayload/prefixBytes`` bytes of it. At saturation three streams carry ~30,000 such
/// lines a second on a machine the cluster itself keeps busy, so this stays cheap.
public enum JournalLine {
    private static let key = Array("\"payload\":\"".utf8)

    /// The bench payload of the entry `line`; nil when the line has no payload field or its
    /// payload is not a bench payload (another client's message).
    /// Only the first 256 bytes of the line are read: the payload field starts well before.
    public static func payload(in line: some Collection<UInt8>) -> BenchPayload? {
        let bytes = Array(line.prefix(256))
        guard let start = find(key, in: bytes) else { return nil }
        let base64Start = start + key.count
        // 4 base64 characters carry 3 bytes.
        let wanted = (BenchPayload.prefixBytes + 2) / 3 * 4
        var end = base64Start
        while end < bytes.count, end - base64Start < wanted, bytes[end] != UInt8(ascii: "\"") { end += 1 }
        let length = (end - base64Start) / 4 * 4
        guard let decoded = Base64Prefix.decode(bytes[base64Start..<(base64Start + length)]) else { return nil }
        return BenchPayload.decode(prefix: decoded)
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
}

/// Standard base64 (with `=` padding) of whole 4-character groups.
enum Base64Prefix {
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()

    /// The bytes of `text` (a multiple of 4 characters); nil on a character outside the alphabet.
    static func decode(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var index = text.startIndex
        while index + 4 <= text.endIndex {
            var group: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let character = text[index + offset]
                if character == UInt8(ascii: "=") {
                    padding += 1
                    group <<= 6
                    continue
                }
                let value = table[Int(character)]
                guard value != 0xff, padding == 0 else { return nil }
                group = group << 6 | UInt32(value)
            }
            out.append(UInt8(group >> 16 & 0xff))
            if padding < 2 { out.append(UInt8(group >> 8 & 0xff)) }
            if padding < 1 { out.append(UInt8(group & 0xff)) }
            index += 4
        }
        return out
    }
}
