import Testing

@testable import CBOR

/// Malformed input: every failure is a CBORError with an offset, never a crash or a big allocation.
@Suite struct CBORMalformedTests {
    @Test func everyTruncationIsATruncatedError() {
        for (name, value) in CBORCorpus.entries {
            let encoded = value.encoded
            for length in 0..<encoded.count {
                do {
                    _ = try CBOR.decode(Array(encoded[..<length]))
                    Issue.record("\(name) truncated to \(length) bytes decoded")
                } catch {
                    #expect(error.code == .truncated, "\(name) at \(length): \(error)")
                    #expect(error.offset <= length)
                }
            }
        }
    }

    @Test(arguments: [
        [0x5b, 0x10, 0, 0, 0, 0, 0, 0, 0],  // byte string of 2^60 bytes
        [0x7b, 0x10, 0, 0, 0, 0, 0, 0, 0],  // text string of 2^60 bytes
        [0x9b, 0x10, 0, 0, 0, 0, 0, 0, 0],  // array of 2^60 items
        [0xbb, 0x10, 0, 0, 0, 0, 0, 0, 0],  // map of 2^60 pairs
        [0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],  // UInt64.max bytes
        [0xbb, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2],  // count * 2 overflows
        [0x9a, 0xff, 0xff, 0xff, 0xff, 0x01],
    ] as [[UInt8]])
    func hugeClaimedLengthsFailFast(input: [UInt8]) {
        do {
            _ = try CBOR.decode(input)
            Issue.record("decoded")
        } catch {
            #expect(error.code == .truncated)
            #expect(error.message.contains("claims"))
        }
    }

    @Test(arguments: [0x81, 0x9f, 0xa1, 0xc1] as [UInt8])
    func deepNestingIsBounded(byte: UInt8) {
        let input = [UInt8](repeating: byte, count: 100_000) + [0x00]
        do {
            _ = try CBOR.decode(input)
            Issue.record("decoded")
        } catch {
            #expect(error.code == .nestingTooDeep)
            #expect(error.offset == CBORDecoder.defaultMaxDepth)
        }
    }

    @Test func nestingUpToTheLimitIsFine() throws {
        let depth = CBORDecoder.defaultMaxDepth
        let input = [UInt8](repeating: 0x81, count: depth) + [0x00]
        _ = try CBOR.decode(input)
    }

    @Test(arguments: [
        ([0x1c], CBORError.Code.invalidHead, 0),
        ([0x1d], .invalidHead, 0),
        ([0x1e], .invalidHead, 0),
        ([0x1f], .invalidHead, 0),  // indefinite integer
        ([0xdf, 0x00], .invalidHead, 0),  // indefinite tag
        ([0xff], .unexpectedBreak, 0),
        ([0x82, 0x01, 0xff], .unexpectedBreak, 2),
        ([0x62, 0xc3, 0x28], .invalidUTF8, 0),
        ([0x5f, 0x61, 0x61, 0xff], .invalidIndefiniteChunk, 1),
        ([0x7f, 0x7f, 0xff, 0xff], .invalidIndefiniteChunk, 1),
        ([0xbf, 0x01, 0xff], .unexpectedBreak, 2),
        ([0xf8, 0x10], .invalidSimpleValue, 0),
        ([0x01, 0x02], .trailingBytes, 1),
        ([0x9f, 0x01], .truncated, 2),
    ] as [([UInt8], CBORError.Code, Int)])
    func malformedInputGivesTheRightError(input: [UInt8], code: CBORError.Code, offset: Int) {
        do {
            _ = try CBOR.decode(input)
            Issue.record("decoded \(input)")
        } catch {
            #expect(error.code == code, "\(error)")
            #expect(error.offset == offset, "\(error)")
        }
    }
}
