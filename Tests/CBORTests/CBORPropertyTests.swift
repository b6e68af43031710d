import Testing

@testable import CBOR

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Round-trip properties on random values and robustness on random and malformed bytes.
@Suite struct CBORPropertyTests {
    static func randomValue(_ rng: inout SeededRandom, depth: Int = 0) -> CBOR {
        let leafKinds = 12
        let kind = depth > 4 ? Int.random(in: 0..<leafKinds, using: &rng) : Int.random(in: 0..<(leafKinds + 7), using: &rng)
        func count() -> Int { Int.random(in: 0...5, using: &rng) }
        switch kind {
        case 0: return .unsigned(randomWidth(&rng))
        case 1: return .negative(randomWidth(&rng))
        case 2: return .bytes((0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        case 3:
            let scalars = (0..<Int.random(in: 0...20, using: &rng)).compactMap { _ in
                Unicode.Scalar(UInt32.random(in: 0x20...0x2FFF, using: &rng))
            }
            return .text(String(String.UnicodeScalarView(scalars)))
        case 4: return .bool(Bool.random(using: &rng))
        case 5: return .null
        case 6: return .undefined
        case 7: return .double(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF))  // finite, no NaN
        case 8: return .float(Float(Int32.random(in: -100_000...100_000, using: &rng)) / 8)
        case 9: return .half(Float(Int.random(in: -2048...2048, using: &rng)))
        case 10: return .simple(UInt8.random(in: 32...255, using: &rng))
        case 11: return .indefiniteBytes((0..<count()).map { _ in [UInt8.random(in: 0...255, using: &rng)] })
        case 12: return .array((0..<count()).map { _ in randomValue(&rng, depth: depth + 1) })
        case 13: return .indefiniteArray((0..<count()).map { _ in randomValue(&rng, depth: depth + 1) })
        case 14: return .map((0..<count()).map { _ in CBORPair(randomValue(&rng, depth: depth + 1), randomValue(&rng, depth: depth + 1)) })
        case 15: return .indefiniteMap((0..<count()).map { _ in CBORPair(randomValue(&rng, depth: depth + 1), randomValue(&rng, depth: depth + 1)) })
        case 16: return .tagged(randomWidth(&rng), randomValue(&rng, depth: depth + 1))
        case 17: return .indefiniteText((0..<count()).map { _ in String(repeating: "é", count: Int.random(in: 0...3, using: &rng)) })
        default: return .simple(UInt8.random(in: 0...19, using: &rng))
        }
    }

    static func randomWidth(_ rng: inout SeededRandom) -> UInt64 {
        let bits = [5, 8, 16, 32, 64][Int.random(in: 0..<5, using: &rng)]
        return bits == 64 ? rng.next() : rng.next() & ((1 << UInt64(bits)) - 1)
    }

    @Test func randomValuesRoundTripByteExactly() throws {
        var rng = SeededRandom(seed: 0x4845_4144_4E45_54)
        for _ in 0..<3_000 {
            let value = Self.randomValue(&rng)
            let encoded = value.encoded
            let decoded = try CBOR.decode(encoded)
            #expect(decoded == value)
            #expect(decoded.encoded == encoded)
        }
    }

    @Test func sequencesOfItemsRoundTrip() throws {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<500 {
            let items = (0..<Int.random(in: 1...6, using: &rng)).map { _ in Self.randomValue(&rng) }
            var encoder = CBOREncoder()
            encoder.append(contentsOf: items)
            #expect(try CBOR.decodeSequence(encoder.bytes) == items)
        }
    }

    @Test func halfFloatsConvertExactly() {
        for bits in UInt16(0)...UInt16.max {
            let value = HalfFloat.value(of: bits)
            if value.isNaN { continue }
            #expect(HalfFloat.bits(of: value) == bits, "half 0x\(String(bits, radix: 16))")
        }
    }

    @Test func randomBytesNeverCrashTheDecoder() {
        var rng = SeededRandom(seed: 99)
        var errors = 0
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...24, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            do {
                _ = try CBOR.decodeSequence(bytes)
            } catch {
                errors += 1
                #expect(error.offset >= 0 && error.offset <= bytes.count)
            }
        }
        #expect(errors > 0)
    }
}

@Suite struct HexTests {
    @Test func roundTripsAndRejectsBadInput() {
        #expect(Hex.encode([0x00, 0x0f, 0xab, 0xff]) == "000fabff")
        #expect(Hex.decode("000FabfF") == [0x00, 0x0f, 0xab, 0xff])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("") == [])
    }
}
