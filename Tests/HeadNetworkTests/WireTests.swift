import CBOR
import Crypto
import Foundation
import HeadnetCore
import Testing

@testable import HeadNetwork

/// Byte-exact agreement with Hydra's etcd layout (../shared/fixtures/hydra-wire.json).
@Suite struct WireTests {
    @Test func versionValues() throws {
        let fixtures = try wireFixtures()
        #expect(ProtocolVersionValue.encode(1) == fixtures["version-v1"])
        #expect(ProtocolVersionValue.encode(2) == fixtures["version-v2"])
        #expect(try ProtocolVersionValue.decode(fixtures["version-v2"]!) == 2)
        #expect(throws: HeadNetworkError.self) { try ProtocolVersionValue.decode(fixtures["alive-ipv4"]!) }
        #expect(throws: HeadNetworkError.self) { try ProtocolVersionValue.decode([0x01]) }
    }

    @Test func aliveValues() throws {
        let fixtures = try wireFixtures()
        let cases: [(String, Address)] = [
            ("alive-ipv4", Address(hostname: "127.0.0.1", port: 5001)),
            // Hydra's readHost keeps the brackets in the hostname.
            ("alive-ipv6", Address(hostname: "[::1]", port: 5002)),
            ("alive-dns", Address(hostname: "alice.example", port: 15001)),
        ]
        for (name, host) in cases {
            #expect(host.cbor == fixtures[name], "\(name)")
            #expect(try Address(cbor: fixtures[name]!) == host)
        }
        #expect(Address(hostname: "[::1]", port: 5002).description == "[::1]:5002")
    }

    @Test func hostParsing() throws {
        #expect(try Address(hydraHost: "127.0.0.1:5001") == Address(hostname: "127.0.0.1", port: 5001))
        #expect(try Address(hydraHost: "[::1]:5002") == Address(hostname: "[::1]", port: 5002))
        #expect(try Address(hydraHost: "[::1]:5002").description == "[::1]:5002")
        do {
            _ = try Address(hydraHost: "::1:5002")
            Issue.record("an unbracketed IPv6 address must be refused")
        } catch let error as HeadNetworkError {
            #expect(error.message.contains("[::1]:5002"), "the message shows the bracketed form: \(error)")
        }
        #expect(try Address(hydraHost: "alice.example:15001").hostname == "alice.example")
        for bad in ["", "5001", ":5001", "host:", "host:0", "host:70000", "host:x", "[]:5001"] {
            #expect(throws: HeadNetworkError.self, "\(bad)") { try Address(hydraHost: bad) }
        }
        #expect(Address(hostname: "[::1]", port: 5002).httpURL == "http://[::1]:5002")
    }

    @Test func batchValuesAreIndefiniteArraysEvenForOneMessage() throws {
        let fixtures = try wireFixtures()
        let codec = TestMessageCodec()
        #expect(BroadcastBatch.value(of: [codec.encode(.bytes([1, 2, 3]))]) == fixtures["batch-one"])
        let three: [TestMessage] = [.bytes([1, 2, 3]), .text("hello"), .ping(7)]
        #expect(BroadcastBatch.value(of: three.map(codec.encode)) == fixtures["batch-three"])
        #expect(try BroadcastBatch.decode(fixtures["batch-three"]!, codec: codec) == three)
        #expect(try BroadcastBatch.decode(fixtures["batch-one"]!, codec: codec) == [.bytes([1, 2, 3])])
    }

    @Test func legacyAndDefiniteValuesFallBackToOneMessage() throws {
        let fixtures = try wireFixtures()
        // A definite array is not a batch; as one message it is not a TestMessage either.
        #expect(throws: HeadNetworkError.self) { try BroadcastBatch.decode(fixtures["batch-definite-rejected"]!, codec: TestMessageCodec()) }
        // A single legacy message decodes as one.
        #expect(try BroadcastBatch.decode(CBOR.text("legacy").encoded, codec: TestMessageCodec()) == [.text("legacy")])
        #expect(try BroadcastBatch.decode(CBOR.bytes([9]).encoded, codec: PayloadCodec()) == [[9]])
        #expect(throws: HeadNetworkError.self) { try BroadcastBatch.decode(fixtures["legacy-single"]!, codec: PayloadCodec()) }
        #expect(throws: HeadNetworkError.self) { try BroadcastBatch.decode([0x9f, 0x41, 0x01], codec: PayloadCodec()) }
    }

    @Test func ipv6KeepsItsBracketsInTheCommandLineAndTheDataDirectoryHash() throws {
        let me = Address(hostname: "[::1]", port: 5001)
        let config = EtcdNetworkConfiguration(
            persistenceDirectory: URL(fileURLWithPath: "/state"), listen: me, peers: [Address(hostname: "[::1]", port: 5002)],
            protocolVersion: 2)
        let etcd = EtcdProcess(configuration: config)
        #expect(etcd.initialCluster == "[::1]:5001=http://[::1]:5001,[::1]:5002=http://[::1]:5002")
        let args = etcd.arguments
        #expect(args[args.firstIndex(of: "--name")! + 1] == "[::1]:5001")
        #expect(args[args.firstIndex(of: "--listen-peer-urls")! + 1] == "http://[::1]:5001")
        // The hash input is the CBOR byte string of the bracketed initial-cluster, as in Hydra.
        let digest = SHA256.hash(data: CBOR.bytes(Array(etcd.initialCluster.utf8)).encoded).map { String(format: "%02x", $0) }.joined()
        #expect(etcd.dataDirectory.lastPathComponent == digest)
    }

    @Test func etcdDataDirectoryIsHydras() throws {
        let config = EtcdNetworkConfiguration(
            persistenceDirectory: URL(fileURLWithPath: "/state"), listen: Address(hostname: "127.0.0.1", port: 5001),
            peers: [], protocolVersion: 2)
        let etcd = EtcdProcess(configuration: config)
        #expect(etcd.initialCluster == "127.0.0.1:5001=http://127.0.0.1:5001")
        #expect(etcd.dataDirectory.path == "/state/etcd/6c936566e3b737db082b060d86c449e946c11d50fbe1b6c633629a60ce70f162")
    }
}
