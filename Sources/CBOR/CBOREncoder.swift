/// Writes CBOR items, and CBOR sequences, into a byte buffer.
///
/// Heads use the shortest form, as Python's cbor2 and Haskell's cborg do. `append` may be called
/// repeatedly to build a CBOR *sequence* (Hydra's constructor-name-then-fields style), and
/// ``beginIndefiniteArray()`` / ``endIndefinite()`` wrap streamed items in `0x9f` … `0xff`.
public struct CBOREncoder: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Creates an empty encoder.
    public init(reservingCapacity capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends one item.
    public mutating func append(_ item: CBOR) {
        switch item {
        case .unsigned(let n): writeHead(0, n)
        case .negative(let n): writeHead(1, n)
        case .bytes(let b):
            writeHead(2, UInt64(b.count))
            bytes += b
        case .indefiniteBytes(let chunks):
            bytes.append(0x5f)
            for chunk in chunks { append(.bytes(chunk)) }
            bytes.append(0xff)
        case .text(let s):
            let utf8 = s.utf8
            writeHead(3, UInt64(utf8.count))
            bytes += utf8
        case .indefiniteText(let chunks):
            bytes.append(0x7f)
            for chunk in chunks { append(.text(chunk)) }
            bytes.append(0xff)
        case .array(let items):
            writeHead(4, UInt64(items.count))
            for element in items { append(element) }
        case .indefiniteArray(let items):
            beginIndefiniteArray()
            for element in items { append(element) }
            endIndefinite()
        case .map(let pairs):
            writeHead(5, UInt64(pairs.count))
            for pair in pairs {
                append(pair.key)
                append(pair.value)
            }
        case .indefiniteMap(let pairs):
            bytes.append(0xbf)
            for pair in pairs {
                append(pair.key)
                append(pair.value)
            }
            bytes.append(0xff)
        case .tagged(let tag, let inner):
            writeHead(6, tag)
            append(inner)
        case .bool(let value): bytes.append(value ? 0xf5 : 0xf4)
        case .null: bytes.append(0xf6)
        case .undefined: bytes.append(0xf7)
        case .simple(let value):
            if value < 24 {
                bytes.append(0xe0 | value)
            } else {
                bytes += [0xf8, value]
            }
        case .half(let value):
            bytes.append(0xf9)
            appendBigEndian(UInt64(HalfFloat.bits(of: value)), count: 2)
        case .float(let value):
            bytes.append(0xfa)
            appendBigEndian(UInt64(value.bitPattern), count: 4)
        case .double(let value):
            bytes.append(0xfb)
            appendBigEndian(value.bitPattern, count: 8)
        }
    }

    /// Appends several items back to back (a CBOR sequence).
    public mutating func append(contentsOf items: [CBOR]) {
        for item in items { append(item) }
    }

    /// Appends bytes that already are CBOR (e.g. a message encoded elsewhere).
    public mutating func appendEncoded(_ encoded: [UInt8]) {
        bytes += encoded
    }

    /// Starts an indefinite-length array (`0x9f`); close it with ``endIndefinite()``.
    public mutating func beginIndefiniteArray() { bytes.append(0x9f) }

    /// Ends the innermost indefinite-length item (`0xff`).
    public mutating func endIndefinite() { bytes.append(0xff) }

    /// Writes a head: major type and argument in the shortest form.
    public mutating func writeHead(_ major: UInt8, _ argument: UInt64) {
        let type = major << 5
        switch argument {
        case 0..<24:
            bytes.append(type | UInt8(argument))
        case 24...0xff:
            bytes += [type | 24, UInt8(argument)]
        case 0x100...0xffff:
            bytes.append(type | 25)
            appendBigEndian(argument, count: 2)
        case 0x1_0000...0xffff_ffff:
            bytes.append(type | 26)
            appendBigEndian(argument, count: 4)
        default:
            bytes.append(type | 27)
            appendBigEndian(argument, count: 8)
        }
    }

    private mutating func appendBigEndian(_ value: UInt64, count: Int) {
        for shift in stride(from: (count - 1) * 8, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
}

/// IEEE 754 half-precision conversion (Float16 is not available on every platform).
enum HalfFloat {
    /// The float value of half-precision bits.
    static func value(of bits: UInt16) -> Float {
        let sign: Float = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int(bits >> 10 & 0x1f)
        let fraction = Float(bits & 0x3ff)
        switch exponent {
        case 0: return sign * fraction * Float(sign: .plus, exponent: -24, significand: 1)
        case 0x1f: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    /// Half-precision bits of a float (rounded to nearest, ties to even; overflow gives infinity).
    static func bits(of value: Float) -> UInt16 {
        let f = value.bitPattern
        let sign = UInt16(f >> 16 & 0x8000)
        let exponent = Int(f >> 23 & 0xff)
        let mantissa = f & 0x7f_ffff
        if exponent == 0xff { return sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0) }
        let unbiased = exponent - 127
        if unbiased > 15 { return sign | 0x7c00 }
        if unbiased >= -14 {
            var half = UInt32(unbiased + 15) << 10 | mantissa >> 13
            let rest = mantissa & 0x1fff
            if rest > 0x1000 || (rest == 0x1000 && half & 1 == 1) { half += 1 }
            return sign | UInt16(half)
        }
        if unbiased < -25 { return sign }
        let full = mantissa | 0x80_0000
        let shift = UInt32(-unbiased - 14 + 13)
        var half = full >> shift
        let rest = full & ((1 << shift) - 1)
        let midpoint = UInt32(1) << (shift - 1)
        if rest > midpoint || (rest == midpoint && half & 1 == 1) { half += 1 }
        return sign | UInt16(half)
    }
}
