import Testing

@testable import ClusterSpec

@Suite struct SpecReaderTests {
    @Test func minimalSpecGetsHydrasDefaults() throws {
        let spec = try SpecReader.parse(
            """
            apiVersion: headnet/v1
            name: devnet
            nodes:
              - {name: alice, listen: 127.0.0.1:5001}
              - {name: bob, listen: 127.0.0.1:5002}
            """, checkBinaries: false)
        #expect(spec.name == "devnet")
        #expect(spec.protocolVersion == 2, "a spec without protocolVersion speaks Hydra master's protocol")
        #expect(spec.tls == .auto && !spec.tlsEnabled)
        #expect(spec.etcd.compactionMode == "revision" && spec.etcd.compactionRetention == "1000")
        #expect(spec.hosts == [HostSpec.local])
        let alice = spec.nodes[0]
        #expect(alice.advertise == alice.listen)
        #expect(alice.clientPort == 2379)
        #expect(alice.apiPort == 4001)
        #expect(spec.nodes[1].clientPort == 2380)
        #expect(alice.host == "local")
    }

    @Test func fullSpecFromTheDesign() throws {
        let spec = try SpecReader.parse(
            """
            apiVersion: headnet/v1
            name: devnet
            protocolVersion: 2
            tls: auto
            etcd:
              binary: etcd
              autoCompaction: {mode: revision, retention: 1000}
              heartbeatMs: 100
              electionMs: 1000
              quotaBackendBytes: 2147483648
            network:
              queueCapacity: 100
              leaseTTLSeconds: 3
              batch: {maxMessages: 50, maxBytes: 262144}
            hosts:
              - {name: local, address: 127.0.0.1}
              - {name: h2, address: 10.77.0.2, ssh: {user: root, port: 22, identityFile: keys/id_ed25519}}
            nodes:
              - {name: alice, listen: 127.0.0.1:5001}
              - {name: bob,   listen: 127.0.0.1:5002, api: 4100}
              - {name: carol, listen: 0.0.0.0:5003, advertise: 10.77.0.2:5003, host: h2}
            """, checkBinaries: false)
        #expect(spec.protocolVersion == 2)
        #expect(spec.tlsEnabled, "a non-loopback address turns TLS on under auto")
        #expect(spec.nodes[1].apiPort == 4100)
        #expect(spec.nodes[2].advertise.description == "10.77.0.2:5003")
        #expect(spec.host(of: spec.nodes[2])?.ssh?.identityFile == "keys/id_ed25519")
    }

    @Test func fiveMistakesAreAllReportedWithPathsAndLines() {
        let yaml = """
            apiVersion: headnet/v1
            name: devnet
            colour: blue
            nodes:
              - {name: alice, listen: 127.0.0.1:5001}
              - {name: alice, listen: 127.0.0.1:5002}
              - {name: carol, listen: not-an-address}
              - {name: dave, listen: 127.0.0.1:5004, api: 5001}
            etcd:
              binary: /nonexistent/etcd
            """
        do {
            _ = try SpecReader.parse(yaml)
            Issue.record("the spec must be rejected")
        } catch let error as SpecError {
            #expect(error.code == .invalid)
            let byPath = Dictionary(grouping: error.issues, by: \.path)
            #expect(error.issues.count == 5, "\(error)")
            #expect(byPath["colour"]?.first?.line == 3)
            #expect(byPath["nodes[1].name"]?.first?.message.contains("duplicate") == true)
            #expect(byPath["nodes[2].listen"]?.first?.line == 7)
            #expect(byPath["nodes[3].api"]?.first?.message.contains("collides") == true)
            #expect(byPath["etcd.binary"]?.first?.message.hasPrefix("etcd binary /nonexistent/etcd does not exist") == true, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func badYAMLGivesLineAndColumn() {
        do {
            _ = try SpecReader.parse("apiVersion: headnet/v1\nnodes:\n  - {name: alice, listen: [\n", checkBinaries: false)
            Issue.record("must fail")
        } catch let error as SpecError {
            #expect(error.code == .syntax)
            #expect(error.issues.count == 1)
            #expect(error.issues.first?.line == 4 && error.issues.first?.column == 1, "the end of the text: \(error)")
            #expect(error.description.contains("line 4, column 1: "), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(arguments: [
        ("apiVersion: headnet/v2\nname: x\nnodes: [{name: a, listen: 127.0.0.1:5001}]", "apiVersion"),
        ("apiVersion: headnet/v1\nname: x\nnodes: []", "nodes"),
        ("apiVersion: headnet/v1\nname: x", "nodes"),
        ("apiVersion: headnet/v1\nname: x\nnodes: [{name: a, listen: 127.0.0.1:2000}]", "nodes[0].listen"),
        ("apiVersion: headnet/v1\nname: x\ntls: maybe\nnodes: [{name: a, listen: 127.0.0.1:5001}]", "tls"),
        ("apiVersion: headnet/v1\nname: x\nnodes: [{name: a, listen: 127.0.0.1:5001, host: nowhere}]", "nodes[0].host"),
        ("apiVersion: headnet/v1\nname: x\nnodes: [{name: a, listen: 127.0.0.1:5001}, {name: b, listen: 127.0.0.1:5001}]", "nodes[1].listen"),
        ("apiVersion: headnet/v1\nname: x\ntls: on\nnodes: [{name: a, listen: 0.0.0.0:5001}]", "nodes[0].advertise"),
        ("apiVersion: headnet/v1\nname: x\nnodes: [{name: a, listen: \"::1:5001\"}]", "nodes[0].listen"),
        ("apiVersion: headnet/v1\nname: 'a b'\nnodes: [{name: a, listen: 127.0.0.1:5001}]", "name"),
    ])
    func eachRuleReportsItsPath(yaml: String, path: String) {
        do {
            _ = try SpecReader.parse(yaml, checkBinaries: false)
            Issue.record("must fail: \(path)")
        } catch let error as SpecError {
            #expect(error.issues.contains { $0.path == path }, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func ipv6NeedsBracketsAndKeepsThem() throws {
        let spec = try SpecReader.parse(
            "apiVersion: headnet/v1\nname: x\nnodes: [{name: a, listen: \"[::1]:5001\"}]", checkBinaries: false)
        #expect(spec.nodes[0].listen.host == "::1")
        #expect(spec.nodes[0].listen.description == "[::1]:5001", "Hydra keeps the brackets in keys and member names")
    }

    @Test func unknownKeySuggestsTheNearestKnownOne() {
        do {
            _ = try SpecReader.parse("apiVersion: headnet/v1\nname: x\nnodes: [{name: a, lisen: 127.0.0.1:5001}]", checkBinaries: false)
        } catch let error as SpecError {
            #expect(error.issues.contains { $0.path == "nodes[0].lisen" && $0.message.contains("did you mean 'listen'") })
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
