import ClusterSpec
import EtcdClient
import EtcdTesting
import Foundation
import HeadnetCore
import HeadnetTemplates
import Processes
import Testing
import Yams

@testable import Deploy

/// `headnet generate`'s output: real templates, real certificates, real etcd.
@Suite(.serialized) struct ClusterBundleTests {
    /// The repository's templates/ directory.
    static let repositoryTemplates = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("templates")

    static func spec(ports: [Int], tls: Bool) -> ClusterSpec {
        var spec = ClusterSpec(
            name: "bundle",
            nodes: ["alice", "bob", "carol"].prefix(ports.count).enumerated().map {
                NodeSpec(name: $0.element, listen: Address(host: "127.0.0.1", port: ports[$0.offset]))
            })
        spec.tls = tls ? .on : .off
        spec.etcd.heartbeatMs = 50
        spec.etcd.electionMs = 500
        return spec
    }

    static func withDirectory(_ body: (URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory)
    }

    @Test func templatesShipNextToTheExecutable() throws {
        let shipped = try TemplateSet.locate(environment: [:])
        #expect(shipped.directory.lastPathComponent == HeadnetTemplates.resourceDirectoryName)
        let repository = try TemplateSet(directory: Self.repositoryTemplates)
        let context = ClusterBundle(spec: Self.spec(ports: [5001, 5002, 5003], tls: false), specText: "").templateContext()
        for name in HeadnetTemplates.all {
            #expect(shipped.render(name, context) == repository.render(name, context), "\(name) differs from templates/")
        }
    }

    @Test func missingTemplateIsNamed() async throws {
        try await Self.withDirectory { directory in
            #expect {
                try TemplateSet(directory: directory)
            } throws: { error in
                let error = error as? DeployError
                return error?.code == .templates && error?.message.contains("\(HeadnetTemplates.systemdUnit).mustache") == true
            }
        }
    }

    @Test func systemdUnitAndComposeFile() async throws {
        try await Self.withDirectory { directory in
            var settings = BundleSettings()
            settings.binary = "/opt/headnet/bin/headnet"
            let spec = Self.spec(ports: [5001, 5002, 5003], tls: true)
            let written = try ClusterBundle(spec: spec, specText: "name: bundle\n", settings: settings)
                .write(to: directory, templates: try TemplateSet(directory: Self.repositoryTemplates))
            #expect(written.contains("systemd/headnet-bundle@.service") && written.contains("compose.yaml"))
            #expect(try String(contentsOf: directory.appendingPathComponent("spec.yaml"), encoding: .utf8) == "name: bundle\n")

            let unit = try String(contentsOf: directory.appendingPathComponent("systemd/headnet-bundle@.service"), encoding: .utf8)
            let lines = Set(unit.split(separator: "\n").map(String.init))
            #expect(lines.contains("ExecStart=/opt/headnet/bin/headnet node --spec /etc/headnet/bundle.yaml --name %i --state-dir /var/lib/headnet"))
            #expect(lines.contains("KillSignal=SIGINT"))
            #expect(lines.contains("StateDirectory=headnet"))
            #expect(unit.contains("with NODE one of: alice, bob, carol."))
            for section in ["[Unit]", "[Service]", "[Install]"] { #expect(lines.contains(section)) }
            #expect(!unit.contains("{{") && !unit.contains("&amp;") && unit.contains("daemon-reload && systemctl"), "rendered as text, not HTML")

            let compose = try #require(try Yams.load(yaml: String(contentsOf: directory.appendingPathComponent("compose.yaml"), encoding: .utf8)) as? [String: Any])
            let services = try #require(compose["services"] as? [String: Any])
            #expect(Set(services.keys) == ["alice", "bob", "carol"])
            let bob = try #require(services["bob"] as? [String: Any])
            #expect(bob["network_mode"] as? String == "host")
            #expect(bob["command"] as? [String] == ["node", "--spec", "/etc/headnet/spec.yaml", "--name", "bob", "--state-dir", "/var/lib/headnet"])
            let volumes = try #require(bob["volumes"] as? [String])
            #expect(volumes.contains("./pki:/var/lib/headnet/bundle/pki:ro"))
            #expect(volumes.contains("bob-data:/var/lib/headnet/bundle/bob"))
            #expect(Set((compose["volumes"] as? [String: Any])?.keys.map { $0 } ?? []) == ["alice-data", "bob-data", "carol-data"])
        }
    }

    @Test func certificatesAreKeptWhenGeneratingAgain() async throws {
        try await Self.withDirectory { directory in
            let spec = Self.spec(ports: [5001], tls: true)
            let templates = try TemplateSet(directory: Self.repositoryTemplates)
            try ClusterBundle(spec: spec, specText: "").write(to: directory, templates: templates)
            let ca = directory.appendingPathComponent("pki/ca.pem")
            let first = try Data(contentsOf: ca)
            try ClusterBundle(spec: spec, specText: "").write(to: directory, templates: templates)
            #expect(try Data(contentsOf: ca) == first)
        }
    }

    @Test func theCAKeyIsWrittenOnlyWithIncludeCAKeyWithMode0600() async throws {
        try await Self.withDirectory { directory in
            let spec = Self.spec(ports: [5001], tls: true)
            let templates = try TemplateSet(directory: Self.repositoryTemplates)
            let without = try ClusterBundle(spec: spec, specText: "").write(to: directory.appendingPathComponent("a"), templates: templates)
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("a/pki/ca-key.pem").path))
            #expect(!without.contains("pki/ca-key.pem"))
            // A CA without its key cannot be given one later.
            #expect(throws: DeployError.self) {
                try ClusterBundle(spec: spec, specText: "", includeCAKey: true).write(to: directory.appendingPathComponent("a"), templates: templates)
            }
            let with = try ClusterBundle(spec: spec, specText: "", includeCAKey: true).write(to: directory.appendingPathComponent("b"), templates: templates)
            let key = directory.appendingPathComponent("b/pki/ca-key.pem").path
            #expect(with.contains("pki/ca-key.pem"))
            #expect(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int == 0o600)
            #expect(throws: Never.self) { try ClusterPKI(directory: directory.appendingPathComponent("b/pki")).authority() }
            // The configs name the revocation list where it is installed on the target hosts.
            let config = try String(contentsOf: directory.appendingPathComponent("b/etcd/alice.conf.yml"), encoding: .utf8)
            #expect(config.contains("PeerTLSInfo:\n  CRLFile: '/var/lib/headnet/bundle/pki/crl.pem'"), "\(config)")
        }
    }

    /// The operator's path: install the bundle's certificates under the state directory and start
    /// etcd from the bundle's config files.
    @Test func etcdRunsFromTheGeneratedBundle() async throws {
        try await Self.withDirectory { directory in
            let spec = Self.spec(ports: try Ports.pickFree(3, offsets: [2622]), tls: true)
            var settings = BundleSettings()
            settings.stateDirectory = directory.appendingPathComponent("state").path
            let bundle = ClusterBundle(spec: spec, specText: "", settings: settings)
            let out = directory.appendingPathComponent("out")
            try bundle.write(to: out, templates: try TemplateSet(directory: Self.repositoryTemplates))
            let pki = bundle.targetLayout.pkiDirectory
            try FileManager.default.createDirectory(at: pki.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: out.appendingPathComponent("pki"), to: pki)
            let certificates = ClusterPKI(directory: pki)
            try await EtcdFromConfig.run(
                spec: spec, configs: spec.nodes.map { out.appendingPathComponent("etcd/\($0.name).conf.yml") },
                clientTLS: certificates.clientTLS
            ) { endpoints in
                try await EtcdFromConfig.expectCertificateAuth(
                    endpoint: endpoints[1], caFile: certificates.caFile, certFile: certificates.clientCertFile, keyFile: certificates.clientKeyFile)
            }
        }
    }
}
