import HeadnetCore
import Testing

@testable import ClusterSpec

/// `initialCluster:` and the spec changes of `headnet member add | remove`, without files.
@Suite struct MembershipSpecTests {
    let devnet = SpecWriter.devnet(name: "devnet", nodes: 3)

    func node(_ name: String, _ port: Int, api: Int? = nil) -> NodeSpec {
        NodeSpec(name: name, listen: Address(host: "127.0.0.1", port: port), apiPort: api)
    }

    @Test func initialClusterListsTheFoundersAndKeepsTheIdentity() throws {
        let plain = try SpecReader.parse(devnet, checkBinaries: false)
        #expect(plain.initialCluster == nil)
        #expect(plain.founders.map(\.description) == ["alice=127.0.0.1:5001", "bob=127.0.0.1:5002", "carol=127.0.0.1:5003"])
        let written = try SpecReader.parse(
            devnet.replacingOccurrences(
                of: "nodes:", with: "initialCluster: [alice=127.0.0.1:5001, bob=127.0.0.1:5002, carol=127.0.0.1:5003]\nnodes:"),
            checkBinaries: false)
        #expect(written.initialCluster == plain.founders)
        #expect(written.identity == plain.identity, "writing the founders down changes nothing a running node reports")
        #expect(written.nodes.allSatisfy(written.isFounder))
    }

    @Test func forgettingTheFoundersDropsInitialClusterOnly() throws {
        let founded = devnet.replacingOccurrences(
            of: "nodes:", with: "initialCluster: [alice=127.0.0.1:5001, bob=127.0.0.1:5002]\nnodes:")
        let spec = try SpecReader.parse(founded, checkBinaries: false)
        let edit = try #require(SpecEditor.forgettingFounders(founded, of: spec))
        let after = try SpecReader.parse(edit.text, checkBinaries: false)
        #expect(after.initialCluster == nil && after.nodes == spec.nodes && edit.inPlace)
        #expect(SpecEditor.forgettingFounders(devnet, of: try SpecReader.parse(devnet, checkBinaries: false)) == nil, "nothing to forget")
    }

    @Test func badInitialClusterEntriesAreReportedWithTheirPaths() {
        let text = devnet.replacingOccurrences(
            of: "nodes:", with: "initialCluster: [alice, bob=nope, carol=127.0.0.1:5003, carol=127.0.0.1:5004, dave=127.0.0.1:5003]\nnodes:")
        do {
            _ = try SpecReader.parse(text, checkBinaries: false)
            Issue.record("expected problems")
        } catch {
            let report = "\(error)"
            #expect(report.contains("initialCluster[0]") && report.contains("not name=host:port"), "\(report)")
            #expect(report.contains("initialCluster[1]") && report.contains("'bob=nope'"), "\(report)")
            #expect(report.contains("initialCluster[3]") && report.contains("listed twice"), "\(report)")
            #expect(report.contains("initialCluster[4]") && report.contains("address 127.0.0.1:5003 is listed twice"), "\(report)")
        }
        #expect(throws: SpecError.self) { try SpecReader.parse(devnet.replacingOccurrences(of: "nodes:", with: "initialCluster: []\nnodes:"), checkBinaries: false) }
    }

    @Test func addingAMemberWritesTheFoundersDown() throws {
        let spec = try SpecReader.parse(devnet, checkBinaries: false)
        let grown = try spec.addingMember(node("dave", 5004))
        #expect(grown.nodes.map(\.name) == ["alice", "bob", "carol", "dave"])
        #expect(grown.initialCluster == spec.founders)
        #expect(grown.identity == spec.identity)
        #expect(!grown.isFounder(grown.nodes[3]) && grown.isFounder(grown.nodes[0]))
        // Taken names and ports are refused.
        #expect(throws: SpecError.self) { try spec.addingMember(node("carol", 5009)) }
        do {
            _ = try spec.addingMember(node("dave", 5009, api: 4002))
            Issue.record("expected a port collision")
        } catch {
            #expect("\(error)".contains("api port 4002") && "\(error)".contains("nodes[3]"), "\(error)")
        }
        let shrunk = try grown.removingMember(named: "alice")
        let back = try shrunk.addingMember(node("alice", 5001))
        #expect(back.nodes.last?.name == "alice" && back.isFounder(back.nodes[3]), "a removed founder comes back as itself (`member add` marks it joining)")
        #expect(back.identity == spec.identity)
        let elsewhere = try shrunk.addingMember(node("alice", 5005))
        #expect(!elsewhere.isFounder(elsewhere.nodes[3]), "a new alice elsewhere is not the founder")
    }

    @Test func removingAMemberKeepsItAmongTheFounders() throws {
        let spec = try SpecReader.parse(devnet, checkBinaries: false)
        let shrunk = try spec.removingMember(named: "alice")
        #expect(shrunk.nodes.map(\.name) == ["bob", "carol"])
        #expect(shrunk.initialCluster?.map(\.name) == ["alice", "bob", "carol"])
        #expect(shrunk.identity == spec.identity)
        #expect(throws: SpecError.self) { try spec.removingMember(named: "zoe") }
        #expect(throws: SpecError.self) { try ClusterSpec(name: "one", nodes: [node("solo", 5001)]).removingMember(named: "solo") }
    }

    @Test func renderedSpecsReadBackTheSame() throws {
        var spec = ClusterSpec(name: "wide", nodes: [
            NodeSpec(name: "alice", listen: Address(host: "0.0.0.0", port: 5001), advertise: Address(host: "10.0.0.1", port: 5001), host: "h1"),
            NodeSpec(name: "bob", listen: Address(host: "::1", port: 5002), host: "h2", apiPort: 9000),
            NodeSpec(name: "it's", listen: Address(host: "10.0.0.3", port: 5003), host: "h3"),
        ])
        spec.hosts = [
            HostSpec(name: "h1", address: "10.0.0.1", ssh: SSHSpec(user: "ops", port: 2222, identityFile: "keys/id ed")), HostSpec(name: "h2", address: "::1"),
            HostSpec(name: "h3", address: "10.0.0.3"),
        ]
        spec.tls = .on
        spec.protocolVersion = 1
        spec.etcd.compactionMode = "periodic"
        spec.etcd.compactionRetention = "5m"
        spec.network.queueCapacity = 7
        spec.initialCluster = [FoundingMember(name: "zed", advertise: Address(host: "::1", port: 5009))] + spec.nodes.map(FoundingMember.init)
        let text = SpecWriter.render(spec)
        #expect(try SpecReader.parse(text, checkBinaries: false) == spec, "\(text)")
        let devnetSpec = try SpecReader.parse(devnet, checkBinaries: false)
        #expect(try SpecReader.parse(SpecWriter.render(devnetSpec), checkBinaries: false) == devnetSpec)
    }

    @Test func anInitSpecIsEditedInPlaceKeepingItsComments() throws {
        let spec = try SpecReader.parse(devnet, checkBinaries: false)
        let grown = try spec.addingMember(node("dave", 5004, api: 4100))
        let add = SpecEditor.edit(devnet, to: grown)
        #expect(add.inPlace)
        #expect(try SpecReader.parse(add.text, checkBinaries: false) == grown)
        let lines = add.text.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("#") } == devnet.split(separator: "\n").map(String.init).filter { $0.hasPrefix("#") })
        #expect(lines.contains("  - {name: dave, listen: 127.0.0.1:5004, api: 4100}"), "\(add.text)")
        let initial = try #require(lines.firstIndex { $0.hasPrefix("initialCluster: [alice=127.0.0.1:5001, bob=127.0.0.1:5002, carol=127.0.0.1:5003]") })
        #expect(lines[initial + 1].hasPrefix("nodes:"), "\(add.text)")
        #expect(add.text.hasSuffix("}\n"))

        let shrunk = try grown.removingMember(named: "bob")
        let remove = SpecEditor.edit(add.text, to: shrunk)
        #expect(remove.inPlace)
        #expect(try SpecReader.parse(remove.text, checkBinaries: false) == shrunk)
        #expect(!remove.text.contains("name: bob") && remove.text.contains("bob=127.0.0.1:5002"))
        #expect(remove.text.split(separator: "\n").count == lines.count - 1)

        // After `down --purge` the founders are dropped again, in place.
        var purged = shrunk
        purged.initialCluster = nil
        let forget = SpecEditor.edit(remove.text, to: purged)
        #expect(forget.inPlace)
        #expect(try SpecReader.parse(forget.text, checkBinaries: false) == purged)
        #expect(!forget.text.contains("initialCluster") && forget.text.contains("name: dave"))
        #expect(forget.text.split(separator: "\n").count == lines.count - 2)
    }

    @Test func aBlockStyleSpecIsRewrittenWhole() throws {
        let text = """
            apiVersion: headnet/v1   # block style: no one-line entries to edit
            name: blocky
            nodes:
              - name: alice
                listen: 127.0.0.1:5001
              - name: bob
                listen: 127.0.0.1:5002
            """
        let spec = try SpecReader.parse(text, checkBinaries: false)
        let grown = try spec.addingMember(node("carol", 5003))
        let edit = SpecEditor.edit(text, to: grown)
        #expect(!edit.inPlace)
        #expect(!edit.text.contains("block style"))
        #expect(try SpecReader.parse(edit.text, checkBinaries: false) == grown)
    }

    @Test func aMemberAtAnotherMachinesAddressIsRefusedForItsHost() throws {
        // `member add` puts the node on the default host, this machine: an address of another
        // machine is not its host's (before, `tls: auto` refused it for switching TLS on, and with
        // `tls: off` it was added, to be started here).
        let spec = try SpecReader.parse(devnet, checkBinaries: false)
        #expect(!spec.tlsEnabled)
        let remote = NodeSpec(name: "dave", listen: Address(host: "10.0.0.4", port: 5004))
        for tls in [TLSMode.auto, .off] {
            var current = spec
            current.tls = tls
            do {
                _ = try current.addingMember(remote)
                Issue.record("an address that is not the host's must be refused (tls: \(tls))")
            } catch {
                #expect(error.issues.map(\.path) == ["nodes[3].listen"], "\(error)")
                #expect(error.issues.first?.message.contains("host 'local' has address 127.0.0.1") == true, "\(error)")
            }
        }
        #expect(try spec.addingMember(NodeSpec(name: "dave", listen: Address(host: "::1", port: 5004))).nodes.count == 4, "loopback is this machine")
    }
}
