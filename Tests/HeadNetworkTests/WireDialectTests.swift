import CBOR
import HeadnetCore
import Testing

@testable import HeadNetwork

/// Both wire dialects against every case of ../shared/fixtures/hydra-wire.json, byte for byte,
/// encoding and decoding; a value of the other dialect is a decoding error, never a crash.
@Suite struct WireDialectTests {
    @Test func protocolVersionsPickTheirDialect() {
        #expect(WireDialect(protocolVersion: 1) == .release)
        #expect(WireDialect(protocolVersion: 2) == .master)
        #expect(WireDialect(protocolVersion: 3) == .master)
        #expect(!WireDialect.release.batchesMessages && WireDialect.master.batchesMessages)
    }

    @Test func versionValuesInBothDialects() throws {
        let fixtures = try wireFixtures()
        #expect(WireDialect.release.versionValue(1) == fixtures["v1-version"])
        #expect(WireDialect.master.versionValue(1) == fixtures["version-v1"])
        #expect(WireDialect.master.versionValue(2) == fixtures["version-v2"])
        #expect(try WireDialect.release.decodeVersion(fixtures["v1-version"]!) == 1)
        #expect(try WireDialect.master.decodeVersion(fixtures["version-v2"]!) == 2)
        #expect(throws: HeadNetworkError.self) { try WireDialect.release.decodeVersion(fixtures["version-v2"]!) }
        #expect(throws: HeadNetworkError.self) { try WireDialect.master.decodeVersion(fixtures["v1-version"]!) }
        #expect(throws: HeadNetworkError.self) { try WireDialect.release.decodeVersion([0x01, 0x02]) }
    }

    @Test func aHeadsDialectIsToldFromItsVersionKey() throws {
        let fixtures = try wireFixtures()
        #expect(WireDialect.detect(versionValue: fixtures["v1-version"]!).map { [$0.dialect == .release, $0.version == 1] } == [true, true])
        #expect(WireDialect.detect(versionValue: fixtures["version-v2"]!).map { [$0.dialect == .master, $0.version == 2] } == [true, true])
        #expect(WireDialect.detect(versionValue: fixtures["alive-ipv4"]!) == nil)
        #expect(WireDialect.detect(versionValue: []) == nil)
    }

    @Test func aliveValuesInBothDialects() throws {
        let fixtures = try wireFixtures()
        let alice = Address(hostname: "127.0.0.1", port: 5001)
        #expect(WireDialect.release.aliveValue(alice) == fixtures["v1-alive-ipv4"])
        #expect(WireDialect.master.aliveValue(alice) == fixtures["alive-ipv4"])
        #expect(try WireDialect.release.decodeAlive(fixtures["v1-alive-ipv4"]!) == alice)
        #expect(try WireDialect.master.decodeAlive(fixtures["alive-ipv4"]!) == alice)
        #expect(try WireDialect.master.decodeAlive(fixtures["alive-ipv6"]!) == Address(hostname: "[::1]", port: 5002))
        // The other dialect's value does not decode.
        #expect(throws: HeadNetworkError.self) { try WireDialect.release.decodeAlive(fixtures["alive-ipv4"]!) }
        #expect(throws: HeadNetworkError.self) { try WireDialect.master.decodeAlive(fixtures["v1-alive-ipv4"]!) }
        // A v1 round trip with IPv6 and a name.
        for host in [Address(hostname: "[::1]", port: 5002), Address(hostname: "alice.example", port: 15001)] {
            #expect(try WireDialect.release.decodeAlive(WireDialect.release.aliveValue(host)) == host)
        }
    }

    @Test func messageValuesInBothDialects() throws {
        let fixtures = try wireFixtures()
        let codec = PayloadCodec()
        let one = codec.encode([1, 2, 3])
        #expect(WireDialect.release.messageValue([one]) == fixtures["v1-msg-single"])
        #expect(WireDialect.master.messageValue([one]) == fixtures["batch-one"])
        #expect(try WireDialect.release.decodeMessages(fixtures["v1-msg-single"]!, codec: codec) == [[1, 2, 3]])
        #expect(try WireDialect.master.decodeMessages(fixtures["batch-one"]!, codec: codec) == [[1, 2, 3]])
        // A protocol-1 reader given a batch (or trailing bytes) refuses it.
        #expect(throws: (any Error).self) { try WireDialect.release.decodeMessages(fixtures["batch-one"]!, codec: codec) }
        #expect(throws: (any Error).self) { try WireDialect.release.decodeMessages(fixtures["v1-msg-single"]! + [0x00], codec: codec) }
    }

    /// Found by `fuzz-wire`: an alive value whose hostname starts with a combining mark
    /// (`[` and the mark are one character) or is itself in brackets decoded to a host that
    /// `aliveValue` wrote back as another one. The brackets are now bytes, and a bracketed host
    /// gets a second pair.
    @Test func oddAliveHostnamesReadBackAsWritten() throws {
        let crashing = Hex.decode("6fd9956f2c5b3a3a3156657273696f6e02")!  // Fuzz/Corpus/wire/crash-alive-combining-mark
        for dialect in [WireDialect.release, .master] {
            let host = try WireDialect.release.decodeAlive(crashing)
            #expect(host.host == "\u{655}o,[::1Version" && host.port == 2)
            #expect(try dialect.decodeAlive(dialect.aliveValue(host)) == host, "\(dialect)")
            for hostname in ["[\u{301}::1]", "\u{301}a:b", "[[ab]]", "[ab]", "[[a:b]]", "[]", "[]]", "[::1]"] {
                let address = Address(hostname: hostname, port: 5001)
                #expect(try dialect.decodeAlive(dialect.aliveValue(address)) == address, "\(dialect) \(hostname)")
                #expect(Address(hostname: address.hostname, port: 5001) == address, "\(hostname)")
            }
        }
        #expect(Address(hostname: "[::1]", port: 5002).host == "::1")
        #expect(Address(hostname: "[ab]", port: 1).host == "ab", "a single pair is still taken away")
        #expect(Address(hostname: "[[ab]]", port: 1).hostname == "[[ab]]")
    }
}
