import EtcdTesting
import Foundation
import Processes
import Testing

/// `headnet certs rotate` on a TLS devnet under load (issue 12), through the real binary.
extension DevnetCommandTests {
    @Test func certsRotateUnderLoadLosesNothingAndTheOldCertificatesAreRefusedAfterwards() async throws {
        try await Self.withCluster(tls: true) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            let pki = cluster.directory.appendingPathComponent(".headnet/test/pki")
            let old = cluster.directory.appendingPathComponent("old-pki")
            try FileManager.default.copyItem(at: pki, to: old)

            let load = Load()
            let senders = Task {
                await withTaskGroup(of: Void.self) { group in
                    for (index, api) in cluster.apis.enumerated() {
                        group.addTask { await load.run(api: api, sender: "n\(index)", perSecond: 50) }
                    }
                }
            }
            try await eventually("every node has accepted messages") { load.accepted.withLock { $0.count } == 3 }
            let rotate = try await cluster.headnet("certs", "rotate", "-f", cluster.spec, "--json")
            load.stopped.withLock { $0 = true }
            await senders.value
            if !rotate.status.isSuccess {
                // What the members refused, and what health says now.
                for node in ["alice", "bob", "carol"] {
                    let log = try await cluster.headnet("logs", node, "--etcd", "--spec", cluster.spec)
                    print("\(node): \(log.output.split(separator: "\n").filter { $0.contains("rejected connection") }.suffix(5))")
                }
                print(try await cluster.headnet("health", "-f", cluster.spec).output)
            }
            try #require(rotate.status.isSuccess, "\(rotate.output)")

            // The step log: the health gate, the client first, each node's certificates between
            // its stop and its start, the revocation list last, then the health gate again.
            let steps = rotate.output.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }.map { "\($0["step"] as? String ?? "?") \($0["node"] as? String ?? "")" }
            #expect(steps.first == "require-healthy " && steps.last == "require-healthy ", "\(steps)")
            #expect(steps.dropFirst().prefix(2) == ["issue-certificates ", "install-certificates "], "\(steps)")
            #expect(steps.dropLast().last == "revoke-certificates ", "\(steps)")
            for node in ["alice", "bob", "carol"] {
                let stop = try #require(steps.firstIndex(of: "stop \(node)"))
                #expect(steps[stop + 1] == "install-certificates \(node)" && steps[stop + 2] == "start \(node)", "\(steps)")
            }
            #expect(!FileManager.default.fileExists(atPath: pki.appendingPathComponent("rotation").path))

            // Every accepted message is in every journal exactly once, in order per sender.
            print("certs rotate under load: accepted \(load.accepted.withLock { $0 }.values.map(\.count).reduce(0, +)) messages, \(load.refused.withLock { $0 }) refused while nodes restarted")
            try await Self.expectEveryJournalHoldsEveryAcceptedMessage(load, apis: cluster.apis)

            // etcd refuses the old client and peer certificates and serves the new ones.
            func etcdctl(_ directory: URL) async throws -> Command.Result {
                try await Command.run(ProcessSpec(
                    "etcdctl", [
                        "--endpoints", "https://127.0.0.1:\(cluster.clientPorts[0])", "--cacert", pki.appendingPathComponent("ca.pem").path,
                        "--cert", directory.appendingPathComponent("client.pem").path, "--key", directory.appendingPathComponent("client-key.pem").path,
                        "--dial-timeout=2s", "--command-timeout=4s", "get", "version",
                    ], environment: ["ETCDCTL_API": "3"]))
            }
            func peer(_ directory: URL) async throws -> Command.Result {
                try await Command.run("curl", [
                    "-sS", "--http1.1", "--max-time", "4", "--cacert", pki.appendingPathComponent("ca.pem").path,
                    "--cert", directory.appendingPathComponent("alice-peer.pem").path, "--key", directory.appendingPathComponent("alice-peer-key.pem").path,
                    "https://127.0.0.1:\(cluster.listens[1])/members",
                ])
            }
            let refused = try await etcdctl(old)
            #expect(!refused.status.isSuccess, "the old client certificate: \(refused.output)")
            let served = try await etcdctl(pki)
            #expect(served.status.isSuccess, "the new client certificate: \(served.output)")
            #expect(!(try await peer(old)).status.isSuccess, "the old peer certificate")
            #expect(try await peer(pki).status.isSuccess, "the new peer certificate")
            let health = try await cluster.headnet("health", "-f", cluster.spec)
            #expect(health.status.isSuccess, "\(health.output)")

            // Without the CA key there is nothing to sign with: refused before anything restarts.
            try FileManager.default.removeItem(at: pki.appendingPathComponent("ca-key.pem"))
            let noKey = try await cluster.headnet("certs", "rotate", "-f", cluster.spec)
            #expect(noKey.status == .exited(1))
            #expect(noKey.output.contains("there is no CA key") && noKey.output.contains("`headnet down`"), "\(noKey.output)")
            #expect(!noKey.output.contains("stopped"), "\(noKey.output)")
        }
    }

    @Test func certsRotateRefusesAClusterWithTLSOff() async throws {
        try await Self.withCluster(tls: false) { cluster in
            let refused = try await cluster.headnet("certs", "rotate", "-f", cluster.spec)
            #expect(refused.status == .exited(1))
            #expect(refused.output.contains("has TLS off") && refused.output.contains("no certificates to rotate"), "\(refused.output)")
        }
    }
}
