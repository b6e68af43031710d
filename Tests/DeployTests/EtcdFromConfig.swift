import ClusterSpec
import EtcdClient
import EtcdTesting
import Foundation
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
        var processes: [Process] = []
        defer { for process in processes where process.isRunning { process.terminate(); process.waitUntilExit() } }
        var logs: [URL] = []
        for config in configs {
            let log = config.deletingPathExtension().appendingPathExtension("log")
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
            try #require(text.contains("serving client traffic"), "etcd did not start from \(log.path): \(text.suffix(1500))")
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
    }

    /// etcdctl with the CA but no client certificate is refused; with the certificate it is served.
    static func expectCertificateAuth(endpoint: String, caFile: String, certFile: String, keyFile: String) async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["ETCDCTL_API"] = "3"
        let common = ["--endpoints", endpoint, "--cacert", caFile, "--dial-timeout=2s", "--command-timeout=5s"]
        let refused = try await Command.run("etcdctl", common + ["put", "x", "y"], environment: environment)
        #expect(refused.status != 0, "etcd must refuse a client without a certificate: \(refused.output)")
        let accepted = try await Command.run(
            "etcdctl", common + ["--cert", certFile, "--key", keyFile, "endpoint", "health"], environment: environment)
        #expect(accepted.status == 0, "\(accepted.output)")
    }
}
