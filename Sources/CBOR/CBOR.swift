/// A CBOR data item (RFC 8949).
///
/// Definite and indefinite-length containers are distinct cases so that decoding and
/// re-encoding reproduces the input byte for byte (Hydra's broadcast values are indefinite
/// arrays; its reader rejects definite ones). Maps keep their entries in order.
public indirect enum CBOR: Sendable, Hashable {
    /// Major type 0: an unsigned integer.
    case unsigned(UInt64)
    /// Major type 1: the integer `-1 - n` (so `.negative(0)` is -1, `.negative(UInt64.max)` is -2^64).
    case negative(UInt64)
    /// Major type 2: a byte string.
    case bytes([UInt8])
    /// Major type 2, indefinite length: a byte string sent in chunks.
    case indefiniteBytes([[UInt8]])
    /// Major type 3: a UTF-8 text string.
    case text(String)
    /// Major type 3, indefinite length: a text string sent in chunks.
    case indefiniteText([String])
    /// Major type 4: an array.
    case array([CBOR])
    /// Major type 4, indefinite length (`0x9f` … `0xff`).
    case indefiniteArray([CBOR])
    /// Major type 5: a map, entries in encoding order.
    case map([CBORPair])
    /// Major type 5, indefinite length (`0xbf` … `0xff`).
    case indefiniteMap([CBORPair])
    /// Major type 6: a tagged item.
    case tagged(UInt64, CBOR)
    /// `false` or `true`.
    case bool(Bool)
    /// `null`.
    case null
    /// `undefined`.
    case undefined
    /// Another simple value (0–19 or 32–255).
    case simple(UInt8)
    /// A half-precision float (`0xf9`), held as a `Float`.
    case half(Float)
    /// A single-precision float (`0xfa`).
    case float(Float)
    /// A double-precision float (`0xfb`).
    case double(Double)

    /// An integer item: unsigned for values ≥ 0, negative otherwise.
    public init(_ value: Int) {
        self = value >= 0 ? .unsigned(UInt64(value)) : .negative(UInt64(-1 - value))
    }

    /// The value as an `Int`, if it is an integer that fits.
    public var intValue: Int? {
        switch self {
        case .unsigned(let n): return n <= UInt64(Int.max) ? Int(n) : nil
        case .negative(let n): return n <= UInt64(Int.max) ? -1 - Int(n) : nil
        default: return nil
        }
    }

    /// The value as a `UInt64`, if it is an unsigned integer.
    public var uint64Value: UInt64? {
        if case .unsigned(let n) = self { return n }
        return nil
    }

    /// The text, if this is a (definite or chunked) text string.
    public var stringValue: String? {
        switch self {
        case .text(let s): return s
        case .indefiniteText(let chunks): return chunks.joined()
        default: return nil
        }
    }

    /// The bytes, if this is a (definite or chunked) byte string.
    public var bytesValue: [UInt8]? {
        switch self {
        case .bytes(let b): return b
        case .indefiniteBytes(let chunks): return chunks.flatMap { $0 }
        default: return nil
        }
    }

    /// The items, if this is a (definite or indefinite) array.
    public var arrayValue: [CBOR]? {
        switch self {
        case .array(let items), .indefiniteArray(let items): return items
        default: return nil
        }
    }

    /// The entries, if this is a (definite or indefinite) map.
    public var mapValue: [CBORPair]? {
        switch self {
        case .map(let pairs), .indefiniteMap(let pairs): return pairs
        default: return nil
        }
    }

    /// The encoding of this item alone.
    public var encoded: [UInt8] {
        var encoder = CBOREncoder()
        encoder.append(self)
        return encoder.bytes
    }

    /// Decodes exactly one item; trailing bytes are an error.
    public static func decode(_ bytes: [UInt8], maxDepth: Int = CBORDecoder.defaultMaxDepth) throws(CBORError) -> CBOR {
        var decoder = CBORDecoder(bytes, maxDepth: maxDepth)
        let item = try decoder.decodeNext()
        guard decoder.isAtEnd else {
            throw CBORError(.trailingBytes, at: decoder.offset, "\(bytes.count - decoder.offset) bytes follow the item; expected exactly one CBOR item")
        }
        return item
    }

    /// Decodes a CBOR sequence (items back to back, no array around them) to its end.
    public static func decodeSequence(_ bytes: [UInt8], maxDepth: Int = CBORDecoder.defaultMaxDepth) throws(CBORError) -> [CBOR] {
        var decoder = CBORDecoder(bytes, maxDepth: maxDepth)
        var items: [CBOR] = []
        while !decoder.isAtEnd { items.append(try decoder.decodeNext()) }
        return items
    }
}

/// One key-value entry of a CBOR map.
public struct CBORPair: Sendable, Hashable {
    /// The key.
    public var key: CBOR
    /// The value.
    public var value: CBOR

    /// Creates an entry.
    public init(_ key: CBOR, _ value: CBOR) {
        self.key = key
        self.value = value
    }
}

extension CBOR: ExpressibleByIntegerLiteral {
    /// An integer literal.
    public init(integerLiteral value: Int) { self.init(value) }
}

extension CBOR: ExpressibleByStringLiteral {
    /// A text string literal.
    public init(stringLiteral value: String) { self = .text(value) }
}

extension CBOR: ExpressibleByBooleanLiteral {
    /// `true` or `false`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension CBOR: ExpressibleByNilLiteral {
    /// `null`.
    public init(nilLiteral: ()) { self = .null }
}

extension CBOR: ExpressibleByArrayLiteral {
    /// A definite-length array.
    public init(arrayLiteral elements: CBOR...) { self = .array(elements) }
}
