import HeadnetCore
import Testing

@testable import ClusterSpec

@Suite struct AddressTests {
    /// The reason `text` is refused, or nil when it parses.
    static func problem(_ text: String) -> String? {
        do {
            _ = try Address(validating: text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test(arguments: [
        ("127.0.0.256:5004", "'127.0.0.256' is not an IPv4 address: octet 256 is over 255"),
        ("300.1.1.1:5001", "'300.1.1.1' is not an IPv4 address: octet 300 is over 255"),
        ("10.0.0.1234:5001", "'10.0.0.1234' is not an IPv4 address: octet 1234 is over 255"),
        ("127.0.1:5001", "'127.0.1' is not an IPv4 address: it has 3 parts, not 4"),
        ("1.2.3.4.5:5001", "'1.2.3.4.5' is not an IPv4 address: it has 5 parts, not 4"),
        ("127..0.1:5001", "'127..0.1' is not an IPv4 address: part 2 is empty"),
        ("127.0.0.01:5001", "'127.0.0.01' is not an IPv4 address: octet '01' has a leading zero"),
    ])
    func badIPv4IsRefusedWithTheReason(text: String, message: String) {
        #expect(Self.problem(text) == message)
        #expect(Address(parsing: text) == nil, "the optional initializer refuses it too")
    }

    @Test(arguments: ["[1::2::3]:5001", "[::g]:5001", "[fe80::1%eth0]:5001", "[127.0.0.1]:5001"])
    func invalidIPv6IsRefused(text: String) throws {
        let message = try #require(Self.problem(text))
        #expect(message.contains("is not an IPv6 address"), "\(message)")
    }

    @Test func ipv6NeedsBrackets() throws {
        let message = try #require(Self.problem("fd00::2:5001"))
        #expect(message.contains("in brackets") && message.contains("[fd00::2]:5001"), "\(message)")
        #expect(Self.problem("[::1:5001")?.contains("no ']'") == true)
        #expect(Self.problem("[::1]5001")?.contains("':port'") == true)
    }

    @Test(arguments: [
        ("node_1.example:5001", "label 'node_1' contains '_'"),
        ("-node.example:5001", "label '-node' starts with '-'"),
        ("node-.example:5001", "label 'node-' ends with '-'"),
        ("\(String(repeating: "a", count: 64)).example:5001", "is 64 characters long, over 63"),
        ("a..example:5001", "empty label"),
        ("héte.example:5001", "contains 'é'"),
        ("\(Array(repeating: "abcdefghi", count: 26).joined(separator: ".")):5001", "259 characters long, over 253"),
    ])
    func badHostNameIsRefusedWithTheReason(text: String, reason: String) throws {
        let message = try #require(Self.problem(text))
        #expect(message.contains("is not a valid host name") && message.contains(reason), "\(message)")
    }

    @Test(arguments: [("127.0.0.1:5001", 5001), ("0.0.0.0:1", 1), ("255.255.255.255:65535", 65535)])
    func portIsANumberFrom1To65535(text: String, port: Int) {
        #expect(Self.problem(text) == nil)
        #expect(Address(parsing: text)?.port == port)
        let host = text[..<text.lastIndex(of: ":")!]
        for bad in ["0", "65536", "+5001", "50a", ""] {
            #expect(Self.problem("\(host):\(bad)")?.contains("port") == true, "\(bad)")
        }
        #expect(Self.problem("\(host)")?.contains("port is missing") == true)
    }

    @Test(arguments: [
        "localhost:5001", "node1:5001", "alice.example.com:5001", "xn--bcher-kva.example:5001", "10.77.0.2:5003",
        "[::1]:5001", "[fd00::2]:5001", "[::]:5001", "[::ffff:127.0.0.1]:5001", "1a.2b:5001",
        "\(String(repeating: "a", count: 63)).example:5001",
    ])
    func validAddressesParse(text: String) throws {
        let address = try Address(validating: text)
        #expect(address.description == text, "description round-trips")
        #expect(Address(parsing: text) == address)
    }

    @Test func hostAddressIsAHostWithoutPort() {
        #expect(Address.hostProblem("10.77.0.2") == nil)
        #expect(Address.hostProblem("::1") == nil, "a host address is unbracketed, as Address.host is")
        #expect(Address.hostProblem("h2.example") == nil)
        #expect(Address.hostProblem("[::1]")?.contains("without brackets") == true)
        #expect(Address.hostProblem("10.77.0.256") == "'10.77.0.256' is not an IPv4 address: octet 256 is over 255")
        #expect(Address.hostProblem("h_2")?.contains("'_'") == true)
    }

    @Test func specReportsTheReasonAtTheAddress() {
        let yaml = """
            apiVersion: headnet/v1
            name: x
            hosts:
              - {name: local, address: 127.0.0.1}
              - {name: h2, address: "my_host.example"}
            nodes:
              - {name: a, listen: 127.0.0.256:5004}
              - {name: b, listen: 127.0.0.1:5002, advertise: "127.0.1:5002"}
            """
        do {
            _ = try SpecReader.parse(yaml, checkBinaries: false)
            Issue.record("must fail")
        } catch let error as SpecError {
            let byPath = Dictionary(grouping: error.issues, by: \.path)
            #expect(byPath["hosts[1].address"]?.first?.message.contains("label 'my_host' contains '_'") == true, "\(error)")
            #expect(byPath["hosts[1].address"]?.first?.line == 5)
            #expect(byPath["nodes[0].listen"]?.first?.message == "'127.0.0.256' is not an IPv4 address: octet 256 is over 255")
            #expect(byPath["nodes[0].listen"]?.first?.line == 7)
            #expect(byPath["nodes[1].advertise"]?.first?.message == "'127.0.1' is not an IPv4 address: it has 3 parts, not 4")
            #expect(error.issues.count == 3, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
