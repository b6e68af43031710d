import ClusterSpec
import EtcdClient
import EtcdTesting
import Foundation
import Processes
import Testing

/// Runs real etcd members from config files, the way an operator would (`etcd --config-file`).
enum EtcdFromConfig {
    /// Starts one etcd per config file, waits until each serves clients, checks the members are
    /// the spec's nodes and a put/get works, runs `whileRunning` with the client endpoints, and
    /// stops every member.
    static func run(
        spec: ClusterSpec, configs: [URL], clientTLS: EtcdClientConfiguration.TLS?,
        whileRunning: ([String]) async throws -> Void = { _ in }
    ) async throws {
        var members: [ChildProcess] = []
        do {
            // Every member starts before any can elect a leader and serve clients.
            for config in configs {
                let log = config.deletingPathExtension().appendingPathExtension("log")
                members.append(try await ChildProcess.start(ProcessSpec("etcd", ["--config-file", config.path]), output: .file(log), stop: .terminate()))
            }
            for config in configs {
                let log = config.deletingPathExtension().appendingPathExtension("log")
                try await eventually("etcd to serve clients from \(config.path)") {
                    let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                    if members.contains(where: { $0.exitStatus != nil }) {
                        throw EtcdTestingError(.notReady, "an etcd member exited; \(log.path) says:\n\(text.suffix(1500))")
                    }
                    return text.contains("serving client traffic")
                }
            }
            let scheme = clientTLS == nil ? "http" : "https"
            let endpoints = spec.nodes.map { "\(scheme)://127.0.0.1:\($0.clientPort)" }
            try await whileRunning(endpoints)
            try await EtcdClient.withClient(.init(endpoints: endpoints, tls: clientTLS)) { etcd in
                let members = try await etcd.memberList().members
                #expect(Set(members.map(\.name)) == Set(spec.nodes.map(\.advertise.description)))
                try await etcd.put("rendered", "yes")
                #expect(try await etcd.get("rendered")?.valueString == "yes")
            }
        } catch {
            for member in members { await member.stop() }
            throw error
        }
        for member in members { await member.stop() }
    }

    /// etcdctl with the CA but no client certificate is refused; with the certificate it is served.
    static func expectCertificateAuth(endpoint: String, caFile: String, certFile: String, keyFile: String) async throws {
        let common = ["--endpoints", endpoint, "--cacert", caFile, "--dial-timeout=2s", "--command-timeout=5s"]
        let refused = try await Command.run(ProcessSpec("etcdctl", common + ["put", "x", "y"], environment: ["ETCDCTL_API": "3"]))
        #expect(!refused.status.isSuccess, "etcd must refuse a client without a certificate: \(refused.output)")
        let accepted = try await Command.run(ProcessSpec(
            "etcdctl", common + ["--cert", certFile, "--key", keyFile, "endpoint", "health"], environment: ["ETCDCTL_API": "3"]))
        #expect(accepted.status.isSuccess, "\(accepted.output)")
    }
}
