import EtcdTesting
import Foundation
import Processes
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `headnet up/status/broadcast/tail/down` as a user runs them: the real binary, real nodes, real etcd.
@Suite(.serialized) struct DevnetCommandTests {
    /// A throwaway cluster: its directory, spec file name and ports.
    struct Cluster {
        var directory: URL
        var spec = "spec.yaml"
        var listens: [Int]
        var apis: [Int]
        var clientPorts: [Int] { listens.map { $0 - 2622 } }

        func headnet(_ arguments: String...) async throws -> Command.Result {
            try await Command.run(try BuiltExecutable.path("headnet"), arguments, workingDirectory: directory)
        }

        /// `headnet` with `environment` added, run in `workingDirectory` (default: the cluster's).
        func headnet(_ arguments: [String], environment: [String: String?] = [:], in workingDirectory: URL? = nil) async throws -> Command.Result {
            try await Command.run(ProcessSpec(
                try BuiltExecutable.path("headnet"), arguments, environment: environment, workingDirectory: workingDirectory ?? directory))
        }

        /// A shell command line run in the cluster's directory, `$HEADNET` naming the binary.
        func shell(_ script: String) async throws -> Command.Result {
            try await Command.run(ProcessSpec(
                "/bin/sh", ["-c", script], environment: ["HEADNET": try BuiltExecutable.path("headnet")], workingDirectory: directory))
        }

        /// Polls `tail --json` of `node` until `done` holds for its payloads (20 s at most).
        func payloads(of node: String, until done: ([String]) -> Bool) async throws -> [String] {
            var payloads: [String] = []
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            while ContinuousClock.now < deadline {
                let json = try await headnet("tail", node, "--json", "--spec", spec)
                payloads = json.output.split(separator: "\n").compactMap {
                    (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["payload"] as? String
                }.compactMap { Data(base64Encoded: $0).map { String(decoding: $0, as: UTF8.self) } }
                if done(payloads) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            return payloads
        }

        /// Exit status of `pgrep -f <directory>`: 1 when no process of this cluster runs.
        func processesLeft() async throws -> Bool {
            try await Command.run("pgrep", ["-f", directory.path]).status.isSuccess
        }
    }

    /// A 3-node spec on free ports in a fresh directory; always `down --purge` and a final
    /// SIGKILL of anything left afterwards.
    static func withCluster(
        tls: Bool, etcdBinary: String = "etcd", protocolVersion: UInt64? = nil, nodes count: Int = 3, queueCapacity: Int? = nil,
        _ body: (Cluster) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-devnet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cluster = Cluster(directory: directory, listens: try Ports.pickFree(count, offsets: [2622]), apis: try Ports.pickFree(count))
        let names = ["alice", "bob", "carol", "dave", "erin"]
        let nodes = (0..<count).map { "  - {name: \(names[$0]), listen: 127.0.0.1:\(cluster.listens[$0]), api: \(cluster.apis[$0])}" }
        try """
            apiVersion: headnet/v1
            name: test
            tls: \(tls ? "on" : "off")\(protocolVersion.map { "\nprotocolVersion: \($0)" } ?? "")
            etcd: {heartbeatMs: 50, electionMs: 500, binary: \(etcdBinary)}\(queueCapacity.map { "\nnetwork: {queueCapacity: \($0)}" } ?? "")
            nodes:
            \(nodes.joined(separator: "\n"))
            """.write(to: directory.appendingPathComponent(cluster.spec), atomically: true, encoding: .utf8)
        do {
            try await body(cluster)
        } catch {
            await cleanUp(cluster)
            throw error
        }
        await cleanUp(cluster)
    }

    static func cleanUp(_ cluster: Cluster) async {
        _ = try? await cluster.headnet("down", cluster.spec, "--purge")
        _ = try? await Command.run("pkill", ["-KILL", "-f", cluster.directory.path])
        try? FileManager.default.removeItem(at: cluster.directory)
    }

    @Test(arguments: [false, true])
    func upStatusBroadcastTailDown(tls: Bool) async throws {
        try await Self.withCluster(tls: tls) { cluster in
            let up = try await cluster.headnet("up", cluster.spec)
            try #require(up.status.isSuccess, "\(up.output)")
            #expect(up.output.contains("✓ alice ready") && up.output.contains("✓ carol ready"), "\(up.output)")
            let seconds = try #require(up.output.firstMatch(of: /up in ([0-9.]+) s/).flatMap { Double($0.1) }, "\(up.output)")
            print("headnet up (3 nodes, TLS \(tls)): ready in \(seconds) s")

            // The spec has no protocolVersion: the nodes speak protocol 2 and say so in `version`.
            let pki = cluster.directory.appendingPathComponent(".headnet/test/pki")
            let tlsFlags = tls ? ["--cacert", pki.appendingPathComponent("ca.pem").path, "--cert", pki.appendingPathComponent("client.pem").path,
                                  "--key", pki.appendingPathComponent("client-key.pem").path] : []
            let version = try await Command.run(ProcessSpec(
                "etcdctl", ["--endpoints=\(tls ? "https" : "http")://127.0.0.1:\(cluster.clientPorts[0])", "get", "version", "-w", "json"] + tlsFlags,
                environment: ["ETCDCTL_API": "3"]))
            let kvs = try #require(try JSONSerialization.jsonObject(with: Data(version.output.utf8)) as? [String: Any], "\(version.output)")["kvs"]
            let value = try #require(((kvs as? [[String: Any]])?.first?["value"] as? String).flatMap { Data(base64Encoded: $0) }, "\(version.output)")
            #expect(value.map { String(format: "%02x", $0) }.joined() == "6f50726f746f636f6c56657273696f6e02")

            let status = try await cluster.headnet("status", cluster.spec, "--json")
            #expect(status.status.isSuccess, "\(status.output)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any])
            #expect(document["healthy"] as? Bool == true)
            let rows = try #require(document["nodes"] as? [[String: Any]])
            #expect(rows.count == 3)
            #expect(rows.filter { $0["leader"] as? Bool == true }.count == 1)
            #expect(rows.allSatisfy { $0["etcdHealthy"] as? Bool == true && $0["alive"] as? Bool == true })

            let broadcast = try await cluster.headnet("broadcast", "alice", "hello", cluster.spec)
            #expect(broadcast.status.isSuccess, "\(broadcast.output)")
            var tail = Command.Result(status: .exited(1), output: "")
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            while ContinuousClock.now < deadline {
                tail = try await cluster.headnet("tail", "carol", cluster.spec)
                if tail.output.contains("hello") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(tail.output.contains("alice") && tail.output.contains("hello"), "\(tail.output)")
            let json = try await cluster.headnet("tail", "carol", cluster.spec, "--json")
            let entry = try #require(json.output.split(separator: "\n").first.flatMap {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }, "\(json.output)")
            #expect(entry["payload"] as? String == Data("hello".utf8).base64EncodedString())

            let log = try await cluster.headnet("logs", "bob", cluster.spec)
            #expect(log.status.isSuccess && log.output.contains("bob"), "\(log.output)")
            let etcdLog = try await cluster.headnet("logs", "bob", cluster.spec, "--etcd")
            #expect(etcdLog.status.isSuccess && etcdLog.output.contains("serving client traffic"), "\(etcdLog.output.suffix(2000))")

            let again = try await cluster.headnet("up", cluster.spec)
            #expect(again.status.isSuccess, "\(again.output)")
            #expect(again.output.contains("already up") && !again.output.contains("✓ started"), "\(again.output)")

            if tls {
                let ca = cluster.directory.appendingPathComponent(".headnet/test/pki/ca.pem").path
                let endpoint = "--endpoints=https://127.0.0.1:\(cluster.clientPorts[0])"
                let refused = try await Command.run(ProcessSpec(
                    "etcdctl", [endpoint, "--cacert", ca, "--command-timeout=3s", "get", "version"], environment: ["ETCDCTL_API": "3"]))
                #expect(!refused.status.isSuccess, "etcd must refuse a client without a certificate: \(refused.output)")
            }

            let down = try await cluster.headnet("down", cluster.spec, "--json")
            #expect(down.status.isSuccess, "\(down.output)")
            let steps = try down.output.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\(down.output)")
            }
            #expect(steps.count == 3 && steps.allSatisfy { $0["step"] as? String == "stop" && $0["outcome"] as? String == "ok" }, "\(down.output)")
            #expect(steps.contains { ($0["message"] as? String)?.hasPrefix("stopped alice (pid ") == true }, "\(down.output)")
            #expect((steps.last?["message"] as? String)?.hasSuffix(", the etcd leader)") == true, "the leader stops last: \(down.output)")
            #expect(try await !cluster.processesLeft(), "no etcd or headnet process of the cluster is left")
            #expect(try await cluster.headnet("status", cluster.spec).status.isSuccess == false)

            // `up` after `down` keeps the data: carol still has alice's message.
            let restart = try await cluster.headnet("up", cluster.spec)
            try #require(restart.status.isSuccess, "\(restart.output)")
            let kept = try await cluster.headnet("tail", "carol", cluster.spec)
            #expect(kept.output.contains("hello"), "\(kept.output)")
        }
    }

    @Test func staleAndBusy() async throws {
        try await Self.withCluster(tls: false) { cluster in
            // Hold bob's API port: `up` names node and port and starts nothing.
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(cluster.apis[1]).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            try #require(bound == 0)
            listen(fd, 1)
            let busy = try await cluster.headnet("up", cluster.spec)
            close(fd)
            #expect(busy.status.isSuccess == false)
            #expect(busy.output.contains("bob: api port \(cluster.apis[1]) is held by pid \(getpid())"), "\(busy.output)")
            #expect(!busy.output.contains("✓ started"), "\(busy.output)")
            #expect(try await !cluster.processesLeft())

            // A pid file left by a crashed node is detected and replaced.
            let alice = cluster.directory.appendingPathComponent(".headnet/test/alice")
            try FileManager.default.createDirectory(at: alice, withIntermediateDirectories: true)
            try "999999\n".write(to: alice.appendingPathComponent("node.pid"), atomically: true, encoding: .utf8)
            let up = try await cluster.headnet("up", cluster.spec)
            #expect(up.status.isSuccess, "\(up.output)")
            #expect(up.output.contains("alice: removed stale pid file (pid 999999"), "\(up.output)")
        }
    }

    @Test func aNodeThatFailsIsNamedWithItsLog() async throws {
        try await Self.withCluster(tls: false, etcdBinary: "/bin/false") { cluster in
            // Several rounds: every node must notice its etcd exiting and stop, every time (a
            // node once hung when its etcd client stopped under calls it was still making).
            for round in 1...10 {
                let up = try await cluster.headnet("up", "--timeout", "30", cluster.spec)
                #expect(up.status.isSuccess == false)
                for node in ["alice", "bob", "carol"] {
                    #expect(up.output.contains("✗ \(node) exited"), "round \(round): \(up.output)")
                }
                #expect(up.output.contains("last lines of") && up.output.contains("node.log"), "\(up.output)")
                #expect(up.output.contains("/bin/false"), "the log lines say what failed: \(up.output)")
                #expect(try await !cluster.processesLeft())
            }
        }
    }

    @Test func generateWritesEveryFile() async throws {
        try await Self.withCluster(tls: true) { cluster in
            let result = try await cluster.headnet("generate", cluster.spec, "--out", "deploy")
            #expect(result.status.isSuccess, "\(result.output)")
            let out = cluster.directory.appendingPathComponent("deploy")
            for file in ["spec.yaml", "compose.yaml", "systemd/headnet-test@.service", "etcd/alice.conf.yml", "etcd/carol.conf.yml",
                         "pki/ca.pem", "pki/bob-peer.pem", "pki/client-key.pem"] {
                #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file) missing: \(result.output)")
            }
        }
    }

    @Test func validateReportsEveryMistake() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            apiVersion: headnet/v1
            name: devnet
            colour: blue
            nodes:
              - {name: alice, listen: 127.0.0.1:5001}
              - {name: alice, listen: 127.0.0.1:5002}
              - {name: carol, listen: nope}
              - {name: dave, listen: 127.0.0.1:5004, api: 5001}
            etcd:
              binary: /nonexistent/etcd
            """.write(to: directory.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let result = try await Command.run(try BuiltExecutable.path("headnet"), ["validate", "bad.yaml"], workingDirectory: directory)
        #expect(result.status == .exited(1))
        for path in ["colour", "nodes[1].name", "nodes[2].listen", "nodes[3].api", "etcd.binary"] {
            #expect(result.output.contains("\(path)"), "missing \(path) in \(result.output)")
        }
        #expect(result.output.contains("5 problems"), "\(result.output)")
    }
}
