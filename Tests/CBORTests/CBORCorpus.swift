@testable import CBOR

/// The values cross-checked against Python's cbor2 (the same names as in
/// Fixtures/cbor2_check.py, which builds the Python side).
enum CBORCorpus {
    static func bytes(_ b: [UInt8]) -> CBOR { .bytes(b) }

    static let entries: [(String, CBOR)] = {
        var c: [(String, CBOR)] = []
        for n: UInt64 in [0, 1, 10, 23, 24, 25, 100, 255, 256, 1000, 65535, 65536, 1_000_000, 4_294_967_295, 4_294_967_296,
                          1_000_000_000_000, UInt64(Int64.max), UInt64.max] {
            c.append(("uint-\(n)", .unsigned(n)))
        }
        let negatives: [(String, UInt64)] = [
            ("-1", 0), ("-10", 9), ("-24", 23), ("-25", 24), ("-100", 99), ("-256", 255), ("-257", 256), ("-1000", 999),
            ("-65536", 65535), ("-65537", 65536), ("-4294967296", 4_294_967_295), ("-9223372036854775808", UInt64(Int64.max)),
            ("-18446744073709551616", UInt64.max),
        ]
        for (name, n) in negatives { c.append(("nint-\(name)", .negative(n))) }
        c += [
            ("bytes-empty", .bytes([])),
            ("bytes-4", .bytes([1, 2, 3, 4])),
            ("bytes-300", .bytes(Array(0...255) + Array(repeating: 0, count: 44))),
            ("text-empty", ""),
            ("text-a", "a"),
            ("text-ietf", "IETF"),
            ("text-quote", "\"\\"),
            ("text-unicode", "\u{00fc}\u{6c34}\u{10151}"),
            ("text-long", .text(String(repeating: "x", count: 1000))),
            ("text-ProtocolVersion", "ProtocolVersion"),
            ("array-empty", []),
            ("array-123", [1, 2, 3]),
            ("array-nested", [1, [2, 3], [4, 5]]),
            ("array-25", .array((1...25).map { CBOR($0) })),
            ("map-empty", .map([])),
            ("map-int", .map([CBORPair(1, 2), CBORPair(3, 4)])),
            ("map-mixed", .map([CBORPair("a", 1), CBORPair("b", [2, 3])])),
            ("map-strings", .map(["a", "b", "c", "d", "e"].map { CBORPair(.text($0), .text($0.uppercased())) })),
            ("array-with-map", ["a", .map([CBORPair("b", "c")])]),
            ("bool-false", false),
            ("bool-true", true),
            ("null", nil),
            ("undefined", .undefined),
            ("simple-16", .simple(16)),
            ("simple-255", .simple(255)),
            ("double-1.1", .double(1.1)),
            ("double-neg", .double(-4.1)),
            ("double-1e300", .double(1.0e300)),
            ("double-zero", .double(0.0)),
            ("double-inf-as-half", .half(.infinity)),
            ("double-neginf-as-half", .half(-.infinity)),
            ("tag-epoch", .tagged(1, .unsigned(1_363_896_240))),
            ("tag-bignum", .tagged(2, .bytes([1, 0, 0, 0, 0, 0, 0, 0, 0]))),
            ("tag-uri", .tagged(32, "http://www.example.com")),
            ("tag-nested", .tagged(24, .tagged(24, .bytes([1])))),
            ("tag-big", .tagged(1 << 40, [1, "x"])),
            ("indef-array-empty", .indefiniteArray([])),
            ("indef-array-123", .indefiniteArray([1, 2, 3])),
            ("indef-array-nested", .indefiniteArray([1, [2, 3], .indefiniteArray([4, 5])])),
            ("indef-array-bytes", .indefiniteArray([.bytes([1, 2, 3])])),
            ("indef-array-in-array", [.indefiniteArray([1])]),
            ("indef-map", .indefiniteMap([CBORPair("a", 1), CBORPair("b", [2, 3])])),
            ("indef-bytes", .indefiniteBytes([[1, 2], [3, 4, 5]])),
            ("indef-text", .indefiniteText(["strea", "ming"])),
        ]
        return c
    }()
}
