/// Reads CBOR items from bytes, one at a time.
///
/// Safe on hostile input: every read is bounds-checked and fails with a ``CBORError`` carrying
/// the byte offset; no length field makes it allocate more than the input could hold; nesting
/// deeper than `maxDepth` is an error, not a stack overflow.
///
/// For Hydra's batched values, read the array head with ``beginIndefiniteArray()``, then decode
/// message after message (each may span several items) until ``atBreak`` is true, then
/// ``readBreak()``.
public struct CBORDecoder: Sendable {
    /// Default bound on container nesting.
    public static let defaultMaxDepth = 256

    private let input: [UInt8]
    /// Offset of the next unread byte.
    public private(set) var offset: Int
    /// Deepest container nesting accepted.
    public let maxDepth: Int

    /// Creates a decoder over `bytes`.
    public init(_ bytes: [UInt8], maxDepth: Int = CBORDecoder.defaultMaxDepth) {
        self.input = bytes
        self.offset = 0
        self.maxDepth = maxDepth
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset >= input.count }

    /// Bytes left to read.
    public var remaining: Int { input.count - offset }

    /// Whether the next byte is a break (`0xff`).
    public var atBreak: Bool { offset < input.count && input[offset] == 0xff }

    /// Reads the next item.
    public mutating func decodeNext() throws(CBORError) -> CBOR {
        try decodeItem(depth: 0)
    }

    /// Reads an indefinite-length array head (`0x9f`).
    public mutating func beginIndefiniteArray() throws(CBORError) {
        guard offset < input.count else { throw CBORError(.truncated, at: offset, "expected an indefinite-length array, found the end of the input") }
        guard input[offset] == 0x9f else {
            throw CBORError(.unexpectedType, at: offset, "expected an indefinite-length array (0x9f), found 0x\(String(input[offset], radix: 16))")
        }
        offset += 1
    }

    /// Reads a break byte (`0xff`).
    public mutating func readBreak() throws(CBORError) {
        guard offset < input.count else { throw CBORError(.truncated, at: offset, "expected a break (0xff), found the end of the input") }
        guard input[offset] == 0xff else { throw CBORError(.unexpectedType, at: offset, "expected a break (0xff)") }
        offset += 1
    }

    /// Reads a text string item (definite or chunked).
    public mutating func decodeText() throws(CBORError) -> String {
        let start = offset
        let item = try decodeNext()
        guard let text = item.stringValue else { throw CBORError(.unexpectedType, at: start, "expected a text string") }
        return text
    }

    /// Reads an unsigned integer item.
    public mutating func decodeUnsigned() throws(CBORError) -> UInt64 {
        let start = offset
        guard case .unsigned(let value) = try decodeNext() else { throw CBORError(.unexpectedType, at: start, "expected an unsigned integer") }
        return value
    }

    // MARK: - Internals

    private mutating func readByte() throws(CBORError) -> UInt8 {
        guard offset < input.count else { throw CBORError(.truncated, at: offset, "the input ends inside an item") }
        defer { offset += 1 }
        return input[offset]
    }

    private mutating func readBigEndian(_ count: Int) throws(CBORError) -> UInt64 {
        guard remaining >= count else { throw CBORError(.truncated, at: input.count, "the input ends inside a \(count)-byte argument") }
        var value: UInt64 = 0
        for index in offset..<offset + count { value = value << 8 | UInt64(input[index]) }
        offset += count
        return value
    }

    private mutating func readBytes(_ length: UInt64, at head: Int) throws(CBORError) -> [UInt8] {
        guard length <= UInt64(remaining) else {
            throw CBORError(.truncated, at: input.count, "a string at byte \(head) claims \(length) bytes but only \(remaining) remain")
        }
        let count = Int(length)
        defer { offset += count }
        return Array(input[offset..<offset + count])
    }

    /// Reads a head; returns major type and argument, or nil argument for indefinite length.
    private mutating func readHead() throws(CBORError) -> (major: UInt8, info: UInt8, argument: UInt64?) {
        let start = offset
        let initial = try readByte()
        let major = initial >> 5
        let info = initial & 0x1f
        switch info {
        case 0..<24: return (major, info, UInt64(info))
        case 24: return (major, info, try readBigEndian(1))
        case 25: return (major, info, try readBigEndian(2))
        case 26: return (major, info, try readBigEndian(4))
        case 27: return (major, info, try readBigEndian(8))
        case 31: return (major, info, nil)
        default:
            throw CBORError(.invalidHead, at: start, "additional information \(info) is reserved in CBOR; the data is not CBOR or is corrupt")
        }
    }

    private func checkCount(_ count: UInt64, minimumItemBytes: UInt64, at head: Int) throws(CBORError) -> Int {
        // Every element needs at least one byte: a count above what remains cannot be satisfied.
        let (needed, overflow) = count.multipliedReportingOverflow(by: minimumItemBytes)
        guard !overflow, needed <= UInt64(remaining) else {
            throw CBORError(.truncated, at: input.count, "a container at byte \(head) claims \(count) elements but only \(remaining) bytes remain")
        }
        return Int(count)
    }

    private mutating func decodeItem(depth: Int) throws(CBORError) -> CBOR {
        let start = offset
        let (major, info, argument) = try readHead()
        switch major {
        case 0, 1:
            guard let n = argument else { throw CBORError(.invalidHead, at: start, "integers cannot have indefinite length") }
            return major == 0 ? .unsigned(n) : .negative(n)
        case 2:
            guard let length = argument else { return .indefiniteBytes(try readChunks(major: 2, head: start)) }
            return .bytes(try readBytes(length, at: start))
        case 3:
            guard let length = argument else {
                let chunks = try readChunks(major: 3, head: start)
                var texts: [String] = []
                for chunk in chunks { texts.append(try utf8(chunk, at: start)) }
                return .indefiniteText(texts)
            }
            return .text(try utf8(try readBytes(length, at: start), at: start))
        case 4, 5:
            guard depth < maxDepth else {
                throw CBORError(.nestingTooDeep, at: start, "containers are nested deeper than \(maxDepth) levels")
            }
            let isMap = major == 5
            if let count = argument {
                let n = try checkCount(count, minimumItemBytes: isMap ? 2 : 1, at: start)
                if isMap {
                    var pairs: [CBORPair] = []
                    pairs.reserveCapacity(n)
                    for _ in 0..<n { pairs.append(CBORPair(try decodeItem(depth: depth + 1), try decodeItem(depth: depth + 1))) }
                    return .map(pairs)
                }
                var items: [CBOR] = []
                items.reserveCapacity(n)
                for _ in 0..<n { items.append(try decodeItem(depth: depth + 1)) }
                return .array(items)
            }
            if isMap {
                var pairs: [CBORPair] = []
                while try !consumeBreak() {
                    let key = try decodeItem(depth: depth + 1)
                    if atBreak { throw CBORError(.unexpectedBreak, at: offset, "an indefinite map ends after a key without its value") }
                    pairs.append(CBORPair(key, try decodeItem(depth: depth + 1)))
                }
                return .indefiniteMap(pairs)
            }
            var items: [CBOR] = []
            while try !consumeBreak() { items.append(try decodeItem(depth: depth + 1)) }
            return .indefiniteArray(items)
        case 6:
            guard let tag = argument else { throw CBORError(.invalidHead, at: start, "tags cannot have indefinite length") }
            guard depth < maxDepth else {
                throw CBORError(.nestingTooDeep, at: start, "tags are nested deeper than \(maxDepth) levels")
            }
            return .tagged(tag, try decodeItem(depth: depth + 1))
        default:
            return try decodeSimple(info: info, argument: argument, at: start)
        }
    }

    private mutating func decodeSimple(info: UInt8, argument: UInt64?, at start: Int) throws(CBORError) -> CBOR {
        switch info {
        case 20: return .bool(false)
        case 21: return .bool(true)
        case 22: return .null
        case 23: return .undefined
        case 0..<20: return .simple(info)
        case 24:
            let value = UInt8(argument ?? 0)
            guard value >= 32 else {
                throw CBORError(.invalidSimpleValue, at: start, "simple value \(value) must be encoded in one byte")
            }
            return .simple(value)
        case 25: return .half(HalfFloat.value(of: UInt16(argument ?? 0)))
        case 26: return .float(Float(bitPattern: UInt32(argument ?? 0)))
        case 27: return .double(Double(bitPattern: argument ?? 0))
        default:
            throw CBORError(.unexpectedBreak, at: start, "a break (0xff) outside an indefinite-length item")
        }
    }

    private mutating func consumeBreak() throws(CBORError) -> Bool {
        guard offset < input.count else { throw CBORError(.truncated, at: offset, "the input ends inside an indefinite-length item (no break)") }
        if input[offset] == 0xff {
            offset += 1
            return true
        }
        return false
    }

    private mutating func readChunks(major: UInt8, head: Int) throws(CBORError) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        while try !consumeBreak() {
            let chunkStart = offset
            let (chunkMajor, _, length) = try readHead()
            guard chunkMajor == major, let length else {
                throw CBORError(.invalidIndefiniteChunk, at: chunkStart, "a chunk of an indefinite \(major == 2 ? "byte" : "text") string must be a definite string of the same type")
            }
            chunks.append(try readBytes(length, at: chunkStart))
        }
        return chunks
    }

    private func utf8(_ bytes: [UInt8], at start: Int) throws(CBORError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CBORError(.invalidUTF8, at: start, "a text string is not valid UTF-8")
        }
        return text
    }
}
