import ClusterSpec
import EtcdClient
import EtcdTesting
import Foundation
import Processes
import Testing
import X509

@testable import Deploy

/// The files of `headnet certs rotate`: the kept CA key, new leaves next to the old ones, the
/// revocation list, and real etcd refusing the replaced certificates without a restart.
@Suite(.serialized) struct CertificateRotationTests {
    static func withPKI(ports: [Int] = [5001, 5002, 5003], keepingCAKey: Bool = true, _ body: (ClusterSpec, ClusterPKI) async throws -> Void) async throws {
        try await RevocationListTests.withDirectory { directory in
            let spec = ClusterBundleTests.spec(ports: ports, tls: true)
            let pki = try ClusterPKI.generate(for: spec, in: directory.appendingPathComponent("pki"), keepingCAKey: keepingCAKey)
            try await body(spec, pki)
        }
    }

    static func serials(_ pki: ClusterPKI, _ spec: ClusterSpec) throws -> [Certificate.SerialNumber] {
        try pki.leaves(for: spec).map { try ClusterPKI.certificate(in: $0.certFile).serialNumber }
    }

    static func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    @Test func generateKeepsTheCAKeyOnlyWhenAskedWithMode0600AndAnEmptyList() async throws {
        try await Self.withPKI { spec, pki in
            #expect(pki.hasCAKey)
            #expect(try Self.mode(pki.caKeyFile) == 0o600)
            let ca = try pki.authority()
            let list = try #require(try pki.revocationList())
            #expect(list.entries.isEmpty && list.number == 1 && list.isSigned(by: ca.key.publicKey))
            #expect(pki.files(for: spec.nodes[0]).crlFile == pki.crlFile)
        }
        try await Self.withPKI(keepingCAKey: false) { spec, pki in
            #expect(!pki.hasCAKey && pki.isComplete(for: spec))
            let error = try #require(throws: DeployError.self) { try CertificateRotation(spec: spec, pki: pki).authority() }
            #expect(error.message.contains("there is no CA key"), "\(error)")
            #expect(error.message.contains("move \(pki.directory.path) aside, and run `headnet up`"), "\(error)")
        }
    }

    @Test func aRotationStagesNewLeavesInstallsThemOneNodeAtATimeAndRevokesTheOldOnesLast() async throws {
        try await Self.withPKI { spec, pki in
            let rotation = CertificateRotation(spec: spec, pki: pki)
            let old = try Self.serials(pki, spec)
            let staged = try rotation.stage()
            #expect(staged == (issued: 7, revoking: 7))
            let new = try Self.serials(rotation.staging, spec)
            #expect(Set(new).isDisjoint(with: old), "new serial numbers")
            #expect(try Self.serials(pki, spec) == old, "nothing in use changes yet")
            #expect(try pki.revocationList()?.entries.isEmpty == true, "nothing revoked yet")
            for leaf in rotation.staging.leaves(for: spec) { #expect(try Self.mode(leaf.keyFile) == 0o600) }

            try rotation.install(nil)
            try rotation.install("alice")
            let early = try #require(throws: DeployError.self) { try rotation.revoke() }
            #expect(early.message.contains("bob-server.pem") && early.message.contains("not installed yet"), "\(early)")
            try rotation.install("bob")
            try rotation.install("carol")
            #expect(try Self.serials(pki, spec) == new)
            let list = try rotation.revoke()
            #expect(list.number == 2 && Set(list.entries.map(\.serialNumber)) == Set(old))
            #expect(try pki.revocationList() == list)
            #expect(!FileManager.default.fileExists(atPath: rotation.staging.directory.path))

            // A second rotation keeps revoking the first one's leaves.
            try rotation.stage()
            for node in [nil] + spec.nodes.map(\.name) { try rotation.install(node) }
            let second = try rotation.revoke()
            #expect(second.number == 3 && Set(second.entries.map(\.serialNumber)) == Set(old + new))
        }
    }

    @Test func runningAgainAfterAnInterruptedRotationAlsoRevokesWhatItMeantTo() async throws {
        try await Self.withPKI { spec, pki in
            let rotation = CertificateRotation(spec: spec, pki: pki)
            let original = try Self.serials(pki, spec)
            try rotation.stage()
            try rotation.install(nil)
            try rotation.install("alice")  // then the run stopped: bob did not come back
            let inUse = try Self.serials(pki, spec)
            #expect(try rotation.stage() == (issued: 7, revoking: 10), "the 7 originals and the 3 new ones alice and the client use")
            for node in [nil] + spec.nodes.map(\.name) { try rotation.install(node) }
            #expect(Set(try rotation.revoke().entries.map(\.serialNumber)) == Set(original + inUse))
        }
    }

    @Test func renderedConfigsNameTheListOnlyWhenItExists() async throws {
        try await Self.withPKI { spec, pki in
            let text = EtcdConfigRenderer.render(spec: spec, node: spec.nodes[0], directory: URL(fileURLWithPath: "/state/alice"), tls: pki.files(for: spec.nodes[0]))
            #expect(text.contains("ClientTLSInfo:\n  CRLFile: '\(pki.crlFile)'\nPeerTLSInfo:\n  CRLFile: '\(pki.crlFile)'\n"), "\(text)")
            try FileManager.default.removeItem(atPath: pki.crlFile)
            #expect(pki.files(for: spec.nodes[0]).crlFile == nil)
            // A PKI made before revocation lists existed gets one in place before any node restarts.
            try CertificateRotation(spec: spec, pki: pki).stage()
            #expect(try pki.revocationList()?.entries.isEmpty == true)
        }
    }

    /// etcd from the rendered configs, then a rotation's files without restarting it: the old
    /// client and peer certificates are refused as soon as the list is in place (etcd reads it on
    /// every connection), the new ones are served.
    @Test func etcdRefusesTheReplacedCertificatesOnceTheListIsInPlace() async throws {
        try await RevocationListTests.withDirectory { directory in
            let spec = ClusterBundleTests.spec(ports: try Ports.pickFree(3, offsets: [2622]), tls: true)
            let pki = try ClusterPKI.generate(for: spec, in: directory.appendingPathComponent("pki"))
            let old = ClusterPKI(directory: directory.appendingPathComponent("old"))
            try FileManager.default.copyItem(at: pki.directory, to: old.directory)
            let configs = try spec.nodes.map { node in
                let file = directory.appendingPathComponent("\(node.name).conf.yml")
                try EtcdConfigRenderer.render(spec: spec, node: node, directory: directory.appendingPathComponent(node.name), tls: pki.files(for: node))
                    .write(to: file, atomically: true, encoding: .utf8)
                return file
            }
            try await EtcdFromConfig.run(spec: spec, configs: configs, clientTLS: pki.clientTLS) { endpoints in
                let rotation = CertificateRotation(spec: spec, pki: pki)
                try rotation.stage()
                for node in [nil] + spec.nodes.map(\.name) { try rotation.install(node) }
                func etcdctl(_ files: ClusterPKI) async throws -> Command.Result {
                    try await Command.run(ProcessSpec(
                        "etcdctl", ["--endpoints", endpoints[0], "--cacert", pki.caFile, "--cert", files.clientCertFile, "--key", files.clientKeyFile,
                                    "--dial-timeout=2s", "--command-timeout=4s", "put", "k", "v"], environment: ["ETCDCTL_API": "3"]))
                }
                func peer(_ files: ClusterPKI) async throws -> Command.Result {
                    let tls = files.files(for: spec.nodes[0])
                    return try await Command.run("curl", [
                        "-sS", "--http1.1", "--max-time", "4", "--cacert", pki.caFile, "--cert", tls.peerCertFile, "--key", tls.peerKeyFile,
                        "https://127.0.0.1:\(spec.nodes[1].listen.port)/members",
                    ])
                }
                #expect(try await etcdctl(old).status.isSuccess, "not revoked yet")
                let before = try await peer(old)
                #expect(before.status.isSuccess, "not revoked yet: \(before.output)")
                try rotation.revoke()
                let refused = try await etcdctl(old)
                #expect(!refused.status.isSuccess, "\(refused.output)")
                #expect(try await etcdctl(pki).status.isSuccess)
                let refusedPeer = try await peer(old)
                #expect(!refusedPeer.status.isSuccess, "\(refusedPeer.output)")
                let servedPeer = try await peer(pki)
                #expect(servedPeer.status.isSuccess && servedPeer.output.contains("peerURLs"), "\(servedPeer.output)")
            }
        }
    }
}
