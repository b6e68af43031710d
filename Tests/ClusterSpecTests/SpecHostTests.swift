import Foundation
import HeadnetCore
import Testing

@testable import ClusterSpec

/// Nodes against their hosts (`hosts:`, a node's `host:`), and the etcd binary's check.
@Suite struct SpecHostTests {
    /// A spec with hosts `local` (127.0.0.1) and `h2` (10.77.0.2), then `nodes`, one per line.
    static func spec(_ nodes: String...) -> String {
        """
        apiVersion: headnet/v1
        name: x
        hosts:
          - {name: local, address: 127.0.0.1}
          - {name: h2, address: 10.77.0.2, ssh: {user: headnet, port: 22, identityFile: keys/id_ed25519}}
        nodes:

        """ + nodes.map { "  - \($0)" }.joined(separator: "\n") + "\n"
    }

    static func issues(_ yaml: String) -> [SpecIssue] {
        do {
            _ = try SpecReader.parse(yaml, checkBinaries: false)
            return []
        } catch let error as SpecError {
            return error.issues
        } catch {
            Issue.record("unexpected \(error)")
            return []
        }
    }

    @Test func addressesOffTheirHostAreErrorsReportedWithTheOthers() throws {
        let issues = Self.issues(Self.spec(
            "{name: alice, listen: 127.0.0.1:5001, colour: blue}",
            "{name: bob, listen: 10.0.0.9:5002}",
            "{name: carol, listen: 10.77.0.3:5003, host: h2}",
            "{name: dave, listen: 0.0.0.0:5004, advertise: 10.77.0.9:5004, host: h2}",
            "{name: erin, listen: 127.0.0.1:5005, host: h2}"))
        let byPath = Dictionary(grouping: issues, by: \.path)
        #expect(issues.count == 5, "\(issues)")
        #expect(byPath["nodes[0].colour"] != nil, "the other errors are reported too")
        let bob = try #require(byPath["nodes[1].listen"]?.first)
        #expect(bob.line == 8)
        #expect(bob.message.contains("node 'bob' listens on 10.0.0.9:5002, but it is on host 'local' (127.0.0.1), where nodes without `host:` go"), "\(bob)")
        #expect(bob.message.contains("needs `host:` naming one of `hosts:`"), "\(bob)")
        let carol = try #require(byPath["nodes[2].listen"]?.first)
        #expect(carol.message.contains("its host 'h2' has address 10.77.0.2; listen on 10.77.0.2:5003, or on 0.0.0.0:5003 (every address) with `advertise: 10.77.0.2:5003`"), "\(carol)")
        #expect(byPath["nodes[3].advertise"]?.first?.message.contains("node 'dave' advertises 10.77.0.9:5004, but its host 'h2' has address 10.77.0.2") == true, "\(issues)")
        #expect(byPath["nodes[4].listen"]?.first?.message.contains("node 'erin' listens on 127.0.0.1:5005") == true, "loopback is not h2: \(issues)")
    }

    @Test func aWildcardListenNeedsTheHostsAddressAsAdvertise() throws {
        let good = try SpecReader.parse(Self.spec(
            "{name: alice, listen: 0.0.0.0:5001, advertise: 127.0.0.1:5001}",
            "{name: bob, listen: \"[::]:5002\", advertise: 10.77.0.2:5002, host: h2}",
            "{name: carol, listen: 0.0.0.0:5003, advertise: 10.77.0.2:5003, host: h2}"), checkBinaries: false)
        #expect(good.nodes.map(\.advertise.description) == ["127.0.0.1:5001", "10.77.0.2:5002", "10.77.0.2:5003"])
        let issues = Self.issues(Self.spec("{name: alice, listen: 0.0.0.0:5001, host: h2}"))
        #expect(issues.map(\.path) == ["nodes[0].advertise"], "\(issues)")
        #expect(issues.first?.message == "node 'alice' advertises 0.0.0.0, an address its peers cannot dial and TLS certificates cannot name; advertise its host's address: `advertise: 10.77.0.2:5001`")
    }

    @Test func everyLoopbackAddressIsTheLocalHost() throws {
        // No `hosts:`: every node is on `local`, 127.0.0.1, as the shipped specs are.
        let spec = try SpecReader.parse(
            """
            apiVersion: headnet/v1
            name: x
            nodes:
              - {name: a, listen: 127.0.0.1:5001}
              - {name: b, listen: "[::1]:5002"}
              - {name: c, listen: localhost:5003}
              - {name: d, listen: 127.0.0.2:5004, advertise: 127.0.0.2:5004}
            """, checkBinaries: false)
        #expect(spec.remoteNodes.isEmpty)
        #expect(Address.sameHost("fd00::2", "fd00:0:0::2") && Address.sameHost("H2.example", "h2.example"))
        #expect(!Address.sameHost("10.77.0.2", "10.77.0.3") && !Address.sameHost("127.0.0.1", "10.77.0.2"))
        #expect(Address.isWildcard("::") && Address.isWildcard("0:0::0") && Address.isWildcard("0.0.0.0") && !Address.isWildcard("::1"))
    }

    @Test func aNodeOnARemoteHostIsValidWithAWarning() throws {
        let check = try SpecReader.check(Self.spec(
            "{name: alice, listen: 127.0.0.1:5001}",
            "{name: bob, listen: 127.0.0.1:5002}",
            "{name: carol, listen: 0.0.0.0:5003, advertise: 10.77.0.2:5003, host: h2}"), checkBinaries: false)
        #expect(check.spec.remoteNodes.map(\.node.name) == ["carol"])
        #expect(check.spec.remoteNodes.first?.host.name == "h2")
        #expect(check.warnings.map(\.path) == ["nodes[2].host"])
        #expect(check.warnings.first?.line == 9)
        #expect(check.warnings.first?.message.hasPrefix("node carol is on host h2 (10.77.0.2): remote hosts are not supported yet") == true, "\(check.warnings)")
        #expect(HostSpec(name: "lab", address: "127.0.0.1").isThisMachine && HostSpec.local.isThisMachine)
        #expect(HostSpec(name: "local", address: "192.168.1.5").isThisMachine, "the default host is this machine at any address")
        #expect(!HostSpec(name: "h2", address: "10.77.0.2").isThisMachine)
    }

    @Test func aMissingEtcdPathSaysTheFileDoesNotExist() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spec-binary-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let plain = directory.appendingPathComponent("etcd")
        try "#!/bin/sh\n".write(to: plain, atomically: true, encoding: .utf8)
        func message(_ binary: String) -> String? {
            let yaml = "apiVersion: headnet/v1\nname: x\netcd: {binary: '\(binary)'}\nnodes: [{name: a, listen: 127.0.0.1:5001}]\n"
            do {
                _ = try SpecReader.parse(yaml)
                return nil
            } catch let error as SpecError {
                return error.issues.first { $0.path == "etcd.binary" }?.message
            } catch {
                return "\(error)"
            }
        }
        let missing = directory.appendingPathComponent("bin/etcd").path
        #expect(message(missing) == "etcd binary \(missing) does not exist; install etcd there or correct the path (a name without '/', such as etcd, is looked up on PATH)")
        #expect(message(plain.path) == "etcd binary \(plain.path) is not executable; make it so (chmod +x \(plain.path)) or give another path")
        #expect(message(directory.path)?.contains("is a directory") == true)
        #expect(message("etcd-nowhere-\(UUID().uuidString)")?.contains("not found on PATH") == true, "a name is still looked up on PATH")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: plain.path)
        #expect(message(plain.path) == nil)
    }
}
