import ClusterSpec
import EtcdClient
import EtcdTesting
import Foundation
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

    /// Starts etcd with each node's generated config file and checks the cluster forms.
    func runCluster(
        spec: ClusterSpec, tls: (NodeSpec) -> NodeTLSFiles?, clientTLS: EtcdClientConfiguration.TLS?,
        whileRunning: ([String]) throws -> Void = { _ in }
    ) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-conf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var processes: [Process] = []
        defer { for process in processes where process.isRunning { process.terminate(); process.waitUntilExit() } }
        var logs: [URL] = []
        for node in spec.nodes {
            let directory = root.appendingPathComponent(node.name)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let config = directory.appendingPathComponent("etcd.conf.yml")
            try EtcdConfigRenderer.render(spec: spec, node: node, directory: directory, tls: tls(node))
                .write(to: config, atomically: true, encoding: .utf8)
            let log = directory.appendingPathComponent("etcd.log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["etcd", "--config-file", config.path]
            process.standardError = try FileHandle(forWritingTo: log)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            processes.append(process)
            logs.append(log)
        }
        for log in logs {
            let deadline = ContinuousClock.now.advanced(by: .seconds(30))
            while ContinuousClock.now < deadline {
                if let text = try? String(contentsOf: log, encoding: .utf8), text.contains("serving client traffic") { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            #expect(text.contains("serving client traffic"), "etcd did not start from \(log.path): \(text.suffix(1500))")
        }
        let scheme = clientTLS == nil ? "http" : "https"
        let endpoints = spec.nodes.map { "\(scheme)://127.0.0.1:\($0.clientPort)" }
        try whileRunning(endpoints)
        try await EtcdClient.withClient(.init(endpoints: endpoints, tls: clientTLS)) { etcd in
            let members = try await etcd.memberList().members
            #expect(Set(members.map(\.name)) == Set(spec.nodes.map(\.advertise.description)))
            try await etcd.put("rendered", "yes")
            #expect(try await etcd.get("rendered")?.valueString == "yes")
        }
    }

    @Test func etcdLoadsTheGeneratedConfigFiles() async throws {
        let ports = try FreePort.pickWithOffset(3, offset: 5001 - 2379)
        try await runCluster(spec: spec(ports: ports), tls: { _ in nil }, clientTLS: nil)
    }

    @Test func etcdLoadsTheGeneratedTLSConfigFiles() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-conf-pki-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pki = try TestPKI.generate(in: dir)
        let ports = try FreePort.pickWithOffset(3, offset: 5001 - 2379)
        try await runCluster(
            spec: spec(ports: ports),
            tls: { _ in
                NodeTLSFiles(caFile: pki.caFile, serverCertFile: pki.serverCertFile, serverKeyFile: pki.serverKeyFile,
                             peerCertFile: pki.serverCertFile, peerKeyFile: pki.serverKeyFile)
            },
            clientTLS: .init(caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile))
    }

    @Test func clusterPKIFromSwiftCertificatesSecuresEtcd() async throws {
        let ports = try FreePort.pickWithOffset(3, offset: 5001 - 2379)
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
            clientTLS: .init(caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile)
        ) { endpoints in
            // etcdctl with the CA but without a client certificate is refused.
            var environment = ProcessInfo.processInfo.environment
            environment["ETCDCTL_API"] = "3"
            let refused = Process()
            refused.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            refused.arguments = ["etcdctl", "--endpoints", endpoints[0], "--cacert", pki.caFile, "--dial-timeout=2s", "--command-timeout=3s", "put", "x", "y"]
            refused.environment = environment
            refused.standardOutput = FileHandle.nullDevice
            refused.standardError = FileHandle.nullDevice
            try refused.run()
            refused.waitUntilExit()
            #expect(refused.terminationStatus != 0, "etcd must refuse a client without a certificate")
            // And accepts etcdctl with the headnet client certificate.
            let accepted = Process()
            accepted.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            accepted.arguments = ["etcdctl", "--endpoints", endpoints[0], "--cacert", pki.caFile, "--cert", pki.clientCertFile,
                                  "--key", pki.clientKeyFile, "--command-timeout=5s", "endpoint", "health"]
            accepted.environment = environment
            accepted.standardOutput = FileHandle.nullDevice
            accepted.standardError = FileHandle.nullDevice
            try accepted.run()
            accepted.waitUntilExit()
            #expect(accepted.terminationStatus == 0)
        }
    }
}
