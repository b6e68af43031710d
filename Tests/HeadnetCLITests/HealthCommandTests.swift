import EtcdTesting
import Foundation
import Processes
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `headnet health` through the real binary: a devnet healthy, with one node down, with two
/// down; and plain etcd members whose keys etcdctl put in either dialect.
extension DevnetCommandTests {
    @Test func healthOfADevnetHealthyThenOneDownThenTwoDown() async throws {
        try await Self.withCluster(tls: false) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            let healthy = try await cluster.headnet("health", "-f", cluster.spec)
            #expect(healthy.status.isSuccess, "\(healthy.output)")
            #expect(healthy.output.contains("health: ok — ") && !healthy.output.contains("FAIL") && !healthy.output.contains("WARN"), "\(healthy.output)")

            func kill(_ node: String) throws {
                for file in ["node.pid", "etcd.pid"] {
                    let text = try String(contentsOf: cluster.directory.appendingPathComponent(".headnet/test/\(node)/\(file)"), encoding: .utf8)
                    let pid = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
                    Glibc.kill(pid, SIGKILL)
                }
            }
            try kill("carol")
            try await eventually("carol's etcd is gone") { Ports.isFree(host: "127.0.0.1", port: cluster.clientPorts[2]) }
            let oneDown = try await cluster.headnet("health", "-f", cluster.spec)
            #expect(oneDown.status == .exited(1), "\(oneDown.output)")
            #expect(oneDown.output.contains("FAIL     reachable") && oneDown.output.contains("carol"), "\(oneDown.output)")
            #expect(oneDown.output.contains("2/3 members answer, quorum 2; quorum holds"), "\(oneDown.output)")

            try kill("bob")
            try await eventually("bob's etcd is gone") { Ports.isFree(host: "127.0.0.1", port: cluster.clientPorts[1]) }
            let twoDown = try await cluster.headnet("health", "-f", cluster.spec, "--json")
            #expect(twoDown.status == .exited(1), "\(twoDown.output)")
            #expect(twoDown.output.contains("quorum lost"), "\(twoDown.output)")
        }
    }

    @Test func healthOfPlainEtcdInEitherDialect() async throws {
        // Keys as each dialect writes them (../shared/fixtures/hydra-wire.json).
        let layouts: [(protocol: String, version: String, alive: String, message: String)] = [
            ("protocol 1", "01", "693132372e302e302e31191389", "43010203"),
            ("protocol 2", "6f50726f746f636f6c56657273696f6e02", "64486f7374693132372e302e302e31191389", "9f43010203ff"),
        ]
        for layout in layouts {
            try await EtcdCluster.withCluster(members: 3) { etcd in
                let endpoints = etcd.endpoints.joined(separator: ",")
                for (key, hex) in [("version", layout.version), ("alive-127.0.0.1:5001", layout.alive), ("msg-127.0.0.1:5001", layout.message)] {
                    let put = try await Command.run(ProcessSpec(
                        "/bin/sh", ["-c", #"python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.argv[1]))' "$1" | etcdctl --endpoints="$2" put "$3""#,
                                    "sh", hex, endpoints, key],
                        environment: ["ETCDCTL_API": "3"]))
                    try #require(put.status.isSuccess, "\(put.output)")
                }
                let health = try await Command.run(try BuiltExecutable.path("headnet"), ["health", "--endpoints", endpoints])
                #expect(health.status.isSuccess, "\(health.output)")
                #expect(health.output.contains("version key") && health.output.contains(layout.protocol), "\(health.output)")
                #expect(health.output.contains("1 alive: 127.0.0.1:5001"), "\(health.output)")
                #expect(health.output.contains("127.0.0.1:5001 @"), "the last message revision per sender: \(health.output)")
            }
        }
    }
}
