import ClusterSpec
import EtcdClient
import EtcdTesting
import Foundation
import HeadnetCore
import HeadNetwork
import Processes
import Testing

@testable import Deploy

@Suite(.serialized) struct EtcdConfigRendererTests {
    func spec(ports: [Int]) -> ClusterSpec {
        var spec = ClusterSpec(
            name: "rendered",
            nodes: ports.enumerated().map { NodeSpec(name: "n\($0.offset)", listen: Address(host: "127.0.0.1", port: $0.element)) })
        spec.etcd.heartbeatMs = 50
        spec.etcd.electionMs = 500
        return spec
    }

    @Test func rendersHydrasValues() {
        let spec = spec(ports: [5001, 5002])
        let text = EtcdConfigRenderer.render(spec: spec, node: spec.nodes[1], directory: URL(fileURLWithPath: "/state/n1"), tls: nil)
        #expect(text.contains("name: '127.0.0.1:5002'"))
        #expect(text.contains("initial-cluster: '127.0.0.1:5002=http://127.0.0.1:5002,127.0.0.1:5001=http://127.0.0.1:5001'"))
        #expect(text.contains("listen-client-urls: 'http://127.0.0.1:2380'"))
        #expect(text.contains("initial-cluster-token: 'hydra-network-1'"))
        #expect(text.contains("auto-compaction-mode: revision"))
        #expect(text.contains("auto-compaction-retention: '1000'"))
        #expect(text.contains("initial-cluster-state: new"))
        #expect(!text.contains("transport-security"))
    }

    /// Renders each node's config file, starts etcd with it and checks the cluster forms.
    func runCluster(
        spec: ClusterSpec, tls: (NodeSpec) -> NodeTLSFiles?, clientTLS: EtcdClientConfiguration.TLS?,
        whileRunning: ([String]) async throws -> Void = { _ in }
    ) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-conf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var configs: [URL] = []
        for node in spec.nodes {
            let directory = root.appendingPathComponent(node.name)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let config = directory.appendingPathComponent("etcd.conf.yml")
            try EtcdConfigRenderer.render(spec: spec, node: node, directory: directory, tls: tls(node))
                .write(to: config, atomically: true, encoding: .utf8)
            configs.append(config)
        }
        try await EtcdFromConfig.run(spec: spec, configs: configs, clientTLS: clientTLS, whileRunning: whileRunning)
    }

    @Test func etcdLoadsTheGeneratedConfigFiles() async throws {
        let ports = try Ports.pickFree(3, offsets: [5001 - 2379])
        try await runCluster(spec: spec(ports: ports), tls: { _ in nil }, clientTLS: nil)
    }

    @Test func ipv6NodesKeepTheirBracketsAndEtcdFormsTheCluster() async throws {
        let ports = try Ports.pickFree(3, offsets: [5001 - 2379])
        var spec = spec(ports: ports)
        spec.nodes = spec.nodes.map { NodeSpec(name: $0.name, listen: Address(host: "::1", port: $0.listen.port)) }
        let text = EtcdConfigRenderer.render(spec: spec, node: spec.nodes[0], directory: URL(fileURLWithPath: "/state/n0"), tls: nil)
        #expect(text.contains("name: '[::1]:\(ports[0])'"))
        #expect(text.contains("listen-peer-urls: 'http://[::1]:\(ports[0])'"))
        #expect(text.contains("initial-cluster: '[::1]:\(ports[0])=http://[::1]:\(ports[0])"))
        let network = EtcdConfigRenderer.networkConfiguration(spec: spec, node: spec.nodes[0], directory: URL(fileURLWithPath: "/state/n0"))
        #expect(network.advertise.description == "[::1]:\(ports[0])")
        #expect(text.contains("data-dir: '\(EtcdProcess(configuration: network).dataDirectory.path)'"))
        // Real etcd takes the files: member names are the bracketed addresses.
        try await runCluster(spec: spec, tls: { _ in nil }, clientTLS: nil)
    }

    @Test func etcdLoadsTheGeneratedTLSConfigFiles() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-conf-pki-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pki = try await TestPKI.generate(in: dir)
        let ports = try Ports.pickFree(3, offsets: [5001 - 2379])
        try await runCluster(
            spec: spec(ports: ports),
            tls: { _ in
                NodeTLSFiles(caFile: pki.caFile, serverCertFile: pki.serverCertFile, serverKeyFile: pki.serverKeyFile,
                             peerCertFile: pki.serverCertFile, peerKeyFile: pki.serverKeyFile)
            },
            clientTLS: .init(caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile))
    }

    @Test func clusterPKIFromSwiftCertificatesSecuresEtcd() async throws {
        let ports = try Ports.pickFree(3, offsets: [5001 - 2379])
        let spec = spec(ports: ports)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-pki-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pki = try ClusterPKI.generate(for: spec, in: dir)
        #expect(pki.isComplete(for: spec))
        let keyMode = try FileManager.default.attributesOfItem(atPath: pki.files(for: spec.nodes[0]).serverKeyFile)[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
        let clientKeyMode = try FileManager.default.attributesOfItem(atPath: pki.clientKeyFile)[.posixPermissions] as? Int
        #expect(clientKeyMode == 0o600)
        try await runCluster(
            spec: spec, tls: { pki.files(for: $0) },
            clientTLS: pki.clientTLS
        ) { endpoints in
            try await EtcdFromConfig.expectCertificateAuth(endpoint: endpoints[0], caFile: pki.caFile,
                                                           certFile: pki.clientCertFile, keyFile: pki.clientKeyFile)
        }
    }
}
