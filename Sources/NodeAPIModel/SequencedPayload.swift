/// The payload of a broadcast made by `headnet bench` and `headnet drill`:
/// `{"sender":"…","seq":N,"pad":"xxx…"}`, padded to the configured size, so that each delivery
/// can be matched to its send (DESIGN section 5: devnet payloads carry `{sender, seq}`).
///
/// `sender` and `seq` come first, so ``decode(prefix:)`` needs only the first few dozen bytes:
/// a reader takes them from the start of each journal entry's base64 payload without decoding
/// the rest.
public struct SequencedPayload: Sendable, Hashable {
    /// Who sent it: a sender name (letters, digits and `-`; at most 15 bytes).
    public var sender: String
    /// Its number among the sender's messages, from 1.
    public var seq: Int

    /// Creates a payload.
    public init(sender: String, seq: Int) {
        self.sender = sender
        self.seq = seq
    }

    /// Bytes of the payload before its pad: what ``decode(prefix:)`` reads.
    public static let prefixBytes = 48

    /// The JSON bytes, padded with `x` in a `pad` field to `size` bytes (longer when `size` is
    /// smaller than the JSON without pad).
    public func encoded(size: Int) -> [UInt8] {
        let head = Array("{\"sender\":\"\(sender)\",\"seq\":\(seq),\"pad\":\"".utf8)
        let tail = Array("\"}".utf8)
        let pad = max(0, size - head.count - tail.count)
        var bytes = head
        bytes.reserveCapacity(head.count + pad + tail.count)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: pad))
        bytes.append(contentsOf: tail)
        return bytes
    }

    /// Reads `sender` and `seq` from the start of a payload (the rest may be missing); nil when
    /// it is not a sequenced payload.
    public static func decode(prefix bytes: some Collection<UInt8>) -> SequencedPayload? {
        var scanner = ByteScanner(Array(bytes))
        guard scanner.expect("{\"sender\":\""), let sender = scanner.text(until: UInt8(ascii: "\"")), !sender.isEmpty,
            scanner.expect("\",\"seq\":"), let seq = scanner.number(), scanner.expect(",") || scanner.expect("}")
        else { return nil }
        return SequencedPayload(sender: sender, seq: seq)
    }
}

/// A cursor over bytes for the payload's fixed shape.
struct ByteScanner {
    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Consumes `literal` when the bytes continue with it.
    mutating func expect(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let matches = literal.withUTF8Buffer { literal in
            (0..<count).allSatisfy { bytes[position + $0] == literal[$0] }
        }
        if matches { position += count }
        return matches
    }

    /// The text up to (not including) `terminator`, consumed; nil when it never comes.
    mutating func text(until terminator: UInt8) -> String? {
        guard let end = bytes[position...].firstIndex(of: terminator) else { return nil }
        defer { position = end }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    /// A non-negative decimal number, consumed; nil when no digit comes or it overflows.
    mutating func number() -> Int? {
        var value = 0
        var digits = 0
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(Int(bytes[position] - UInt8(ascii: "0")))
            guard !overflowTimes, !overflowSum else { return nil }
            value = sum
            digits += 1
            position += 1
        }
        return digits > 0 ? value : nil
    }
}

extension SequencedPayload {
    /// The sequenced payload of the journal entry `line` (a line of `GET /messages`); nil when
    /// it carries another client's message. Decodes only the payload's first bytes
    /// (``JournalLine/payloadPrefix(in:count:)``).
    public static func inJournalLine(_ line: some Collection<UInt8>) -> SequencedPayload? {
        JournalLine.payloadPrefix(in: line, count: prefixBytes).flatMap { decode(prefix: $0) }
    }
}
