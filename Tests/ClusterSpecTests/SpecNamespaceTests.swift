import Testing

@testable import ClusterSpec

/// Hosts that are network namespaces of this machine (`hosts[].namespace`, for drills'
/// network faults) and the address headnet reaches each node at.
@Suite struct SpecNamespaceTests {
    static let yaml = """
        apiVersion: headnet/v1
        name: netns
        tls: off
        hosts:
          - {name: local, address: 127.0.0.1}
          - {name: ns-alice, address: 10.77.12.10, namespace: hn3fa2-n0}
        nodes:
          - {name: alice, listen: 10.77.12.10:5001, host: ns-alice}
          - {name: bob, listen: 127.0.0.1:5002}

        """

    @Test func aNamespaceHostIsThisMachineAndItsNodesAreReachedAtTheirAdvertisedHost() throws {
        let spec = try SpecReader.parse(Self.yaml, checkBinaries: false)
        let (alice, bob) = (spec.nodes[0], spec.nodes[1])
        #expect(spec.host(of: alice)?.namespace == "hn3fa2-n0")
        #expect(spec.host(of: alice)?.isThisMachine == true)
        #expect(spec.remoteNodes.isEmpty)
        #expect(spec.reachableHost(of: alice) == "10.77.12.10")
        #expect(spec.reachableHost(of: bob) == "127.0.0.1")
        #expect(spec.clientURL(of: alice) == "http://10.77.12.10:\(alice.clientPort)")
        #expect(spec.clientURL(of: bob) == "http://127.0.0.1:\(bob.clientPort)")
    }

    @Test func theWriterKeepsTheNamespace() throws {
        let spec = try SpecReader.parse(Self.yaml, checkBinaries: false)
        let again = try SpecReader.parse(SpecWriter.render(spec), checkBinaries: false)
        #expect(again.hosts == spec.hosts)
    }

    @Test func aNamespaceMustBeAnIPNetnsNameAndNotAlsoSSH() {
        let bad = Self.yaml.replacingOccurrences(of: "namespace: hn3fa2-n0", with: "namespace: \"a/b\", ssh: {user: root}")
        do {
            _ = try SpecReader.parse(bad, checkBinaries: false)
            Issue.record("accepted \(bad)")
        } catch let error as SpecError {
            let messages = error.issues.filter { $0.path == "hosts[1].namespace" }.map(\.message)
            #expect(messages.contains { $0.contains("must be an `ip netns` name") }, "\(error.issues)")
            #expect(messages.contains { $0.contains("both ssh and a namespace") }, "\(error.issues)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
