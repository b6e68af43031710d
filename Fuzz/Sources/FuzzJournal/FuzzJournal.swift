import Foundation
import NodeAPIModel

/// `fuzz-journal`: the journal line codec (`JournalLine`), both ways.
///
/// Reading: the input is a line of `delivered.ndjson` or of `GET /messages`, read by the fast
/// `scan`, by `decode` (`JSONDecoder`), by `decodeAll` (NDJSON) and by `payloadPrefix`. Checks:
/// `scan` accepts only lines `decode` reads, with the same numbers (its promise); the payload
/// prefix of a line that decodes is a prefix of its payload.
///
/// Writing: the input also gives an entry's fields (numbers, sender, payload), written with
/// `escaped` and `append`; the line must decode to that entry, `scan` (when it accepts it) must
/// agree, and the returned range must hold the payload's base64.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    read(bytes)
    write(FieldReader(bytes))
    return 0
}

/// Stops the run with the input, so that the report alone reproduces it.
func fail(_ what: String, _ bytes: [UInt8]) -> Never {
    fatalError("\(what); input (base64) \(Data(bytes).base64EncodedString())")
}

func read(_ line: [UInt8]) {
    let scanned = line.withUnsafeBufferPointer { JournalLine.scan($0) }
    let decoded = JournalLine.decode(line)
    if let scanned {
        guard let decoded, decoded.index == scanned.index, decoded.revision == scanned.revision, decoded.batchIndex == scanned.batchIndex else {
            fail("scan read \(scanned) from a line that JSONDecoder reads as \(String(describing: decoded))", line)
        }
    }
    _ = JournalLine.decodeAll(line)
    for count in [0, 1, 5, 40] {
        let prefix = JournalLine.payloadPrefix(in: line, count: count)
        // payloadPrefix reads the raw base64 and gives nil for a `\/` (JSONEncoder's journals);
        // only base64 as written is compared (Foundation also decodes some that is not, `AQ=5`).
        guard scanned != nil, !line.contains(UInt8(ascii: "\\")), let decoded, let payload = Data(base64Encoded: decoded.payload),
            payload.base64EncodedString() == decoded.payload
        else { continue }
        guard let prefix, payload.starts(with: prefix), prefix.count >= min(count, payload.count) else {
            fail("payloadPrefix(count: \(count)) gave \(String(describing: prefix)) of payload \(Array(payload))", line)
        }
    }
    if let decoded { _ = (decoded.payloadBytes, decoded.payloadByteCount) }
}

func write(_ input: FieldReader) {
    var input = input
    let index = Int(input.number(bytes: 4))
    let revision = Int64(input.number(bytes: 5))
    let batchIndex = Int(input.number(bytes: 1))
    let sender = String(decoding: input.take(Int(input.number(bytes: 1)) % 64), as: UTF8.self)
    let payload = input.rest()
    var line: [UInt8] = []
    let range = JournalLine.append(
        index: index, revision: revision, batchIndex: batchIndex, escapedSender: JournalLine.escaped(sender), payload: payload, to: &line)
    let base64 = Data(payload).base64EncodedString()
    guard line.last == 0x0a, Array(line[range]) == Array(base64.utf8) else { fail("append misplaced the payload or the newline", input.bytes) }
    let body = Array(line.dropLast())
    let expected = JournalEntry(index: index, revision: revision, batchIndex: batchIndex, sender: sender, payload: base64)
    guard let decoded = JournalLine.decode(body), decoded == expected else {
        fail("the line \(String(decoding: body, as: UTF8.self)) does not decode to \(expected)", input.bytes)
    }
    guard decoded.payloadBytes == payload, decoded.payloadByteCount == payload.count else { fail("the payload does not read back", input.bytes) }
    if let scanned = body.withUnsafeBufferPointer({ JournalLine.scan($0) }) {
        guard scanned.index == index, scanned.revision == revision, scanned.batchIndex == batchIndex else {
            fail("scan read \(scanned) from a line written with \(index), \(revision), \(batchIndex)", input.bytes)
        }
    } else if sender.utf8.allSatisfy({ (0x20..<0x7f).contains($0) }) {
        fail("scan refused a line the journal wrote: \(String(decoding: body, as: UTF8.self))", input.bytes)
    }
    guard let prefix = JournalLine.payloadPrefix(in: body, count: 16), payload.starts(with: prefix), prefix.count >= min(16, payload.count) else {
        fail("payloadPrefix does not read the start of a written payload", input.bytes)
    }
}

/// Takes an entry's fields from the front of the input.
struct FieldReader {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// A big-endian number of up to `bytes` bytes (fewer at the end of the input).
    mutating func number(bytes count: Int) -> UInt64 {
        var value: UInt64 = 0
        for byte in take(count) { value = value << 8 | UInt64(byte) }
        return value
    }

    /// The next `count` bytes (fewer at the end).
    mutating func take(_ count: Int) -> ArraySlice<UInt8> {
        let end = min(position + count, bytes.count)
        defer { position = end }
        return bytes[position..<end]
    }

    /// Everything not taken yet.
    mutating func rest() -> [UInt8] { Array(take(bytes.count)) }
}
