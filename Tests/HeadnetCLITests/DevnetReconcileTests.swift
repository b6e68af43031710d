import EtcdTesting
import Foundation
import Processes
import Testing

/// The first hour with headnet (issue 10), through the real binary: `up` reconciles, commands
/// refuse another cluster on the same ports, state is found from the spec, scripting conventions.
extension DevnetCommandTests {
    @Test func upRestartsAKilledNodeAndDownFindsEverythingFromAnyDirectory() async throws {
        try await Self.withCluster(tls: false) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            for index in 1...3 { #expect(try await cluster.headnet("broadcast", "alice", "before-\(index)", "-f", cluster.spec).status.isSuccess) }

            // kill -9 bob's node process only: its etcd lives on and holds its ports.
            let bobPID = try #require(Int32(try String(
                contentsOf: cluster.directory.appendingPathComponent(".headnet/test/bob/node.pid"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            kill(bobPID, SIGKILL)
            _ = await ProcessControl.waitForExit(bobPID, timeout: .seconds(10))
            let status = try await cluster.headnet("status", "-f", cluster.spec)
            #expect(status.status == .exited(1))
            #expect(status.output.contains("node process gone, its etcd") && status.output.contains("3/3 members up, quorum 2: ok"),
                    "\(status.output)")

            let up = try await cluster.headnet("up", "-f", cluster.spec)
            try #require(up.status.isSuccess, "\(up.output)")
            #expect(up.output.contains("✓ stopped bob's leftover etcd (pid ") && up.output.contains("✓ started bob"), "\(up.output)")
            for index in 1...3 { #expect(try await cluster.headnet("broadcast", "bob", "after-\(index)", "-f", cluster.spec).status.isSuccess) }
            let expected = (1...3).map { "before-\($0)" } + (1...3).map { "after-\($0)" }
            for node in ["alice", "bob", "carol"] {
                let payloads = try await cluster.payloads(of: node) { Set($0) == Set(expected) }
                #expect(payloads.sorted() == expected.sorted(), "\(node) has every message exactly once: \(payloads)")
            }

            // carol started by hand (no pid file), from the cluster's directory.
            let carolPID = try #require(Int32(try String(
                contentsOf: cluster.directory.appendingPathComponent(".headnet/test/carol/node.pid"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            kill(carolPID, SIGKILL)
            _ = await ProcessControl.waitForExit(carolPID, timeout: .seconds(10))
            let byHand = try DetachedProcess.spawn(
                ProcessSpec(try BuiltExecutable.path("headnet"), ["node", "--spec", cluster.spec, "--name", "carol"], workingDirectory: cluster.directory),
                standardOutput: cluster.directory.appendingPathComponent("carol.trace"), standardError: cluster.directory.appendingPathComponent("carol.log"))
            try FileManager.default.removeItem(at: cluster.directory.appendingPathComponent(".headnet/test/carol/node.pid"))
            // (`status` is healthy only when carol's process, etcd, API and connectivity are.)
            var healthy = Command.Result(status: .exited(1), output: "")
            try? await eventually("the cluster to be healthy with carol started by hand", timeout: .seconds(30)) {
                healthy = try await cluster.headnet("status", "-f", cluster.spec)
                return healthy.status.isSuccess
            }
            try #require(healthy.status.isSuccess, "\(healthy.output)")
            // A second carol on the same state is refused (`timeout`: a regression must not hang
            // the suite); the first keeps running with its etcd.
            let twice = try await cluster.shell(#"timeout 20 "$HEADNET" node --spec spec.yaml --name carol"#)
            #expect(twice.status == .exited(1) && twice.output.contains("another node runs with"), "\(twice.output)")
            #expect(try await cluster.headnet("status", "-f", cluster.spec).status.isSuccess)

            // From `/`, with the spec's absolute path: everything stops, the hand-started node too.
            let spec = cluster.directory.appendingPathComponent(cluster.spec).path
            let down = try await cluster.headnet(["down", "-f", spec], in: URL(fileURLWithPath: "/"))
            #expect(down.status.isSuccess, "\(down.output)")
            #expect(down.output.contains("stopped carol (pid \(byHand)"), "\(down.output)")
            #expect(try await !cluster.processesLeft(), "no etcd or headnet process of the cluster is left")

            // A stopped node's journal is still there for `tail`, read from disk.
            let offline = try await cluster.headnet("tail", "carol", "-n", "2", "--spec", spec)
            #expect(offline.status.isSuccess, "\(offline.output)")
            #expect(offline.output.contains("carol does not answer (not running?); reading its journal on disk"), "\(offline.output)")
            #expect(offline.output.split(separator: "\n").filter { $0.contains("after-") }.count == 2, "\(offline.output)")
        }
    }

    @Test func anotherClusterOnTheSamePortsIsRefused() async throws {
        try await Self.withCluster(tls: false) { cluster in
            try #require(try await cluster.headnet("up", cluster.spec).status.isSuccess)
            // A second spec, another name, the same ports plus a fourth node.
            let spare = try Ports.pickFree(1, offsets: [2622, 1000])[0]
            let text = try String(contentsOf: cluster.directory.appendingPathComponent(cluster.spec), encoding: .utf8)
                .replacingOccurrences(of: "name: test", with: "name: other")
                + "\n  - {name: dave, listen: 127.0.0.1:\(spare)}\n"
            try text.write(to: cluster.directory.appendingPathComponent("other.yaml"), atomically: true, encoding: .utf8)
            for arguments in [["broadcast", "alice", "to-the-wrong-cluster", "-f", "other.yaml"], ["status", "-f", "other.yaml"],
                              ["tail", "alice", "--spec", "other.yaml"]] {
                let result = try await cluster.headnet(arguments)
                #expect(result.status == .exited(1), "\(arguments): \(result.output)")
                #expect(result.output.contains("Error: another cluster"), "\(arguments): \(result.output)")
                #expect(!result.output.contains("Usage"), "\(arguments): \(result.output)")
            }
            // A second copy of the same spec (another checkout, its own state) is another cluster too.
            let checkout = cluster.directory.appendingPathComponent("checkout")
            try FileManager.default.createDirectory(at: checkout, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: cluster.directory.appendingPathComponent(cluster.spec), to: checkout.appendingPathComponent("spec.yaml"))
            let copy = try await cluster.headnet(["broadcast", "alice", "to-the-wrong-cluster", "-f", "spec.yaml"], in: checkout)
            #expect(copy.status == .exited(1) && copy.output.contains("another spec file"), "\(copy.output)")
            let copyStatus = try await cluster.headnet(["status", "-f", "spec.yaml"], in: checkout)
            #expect(copyStatus.status == .exited(1) && copyStatus.output.contains("Error: "), "\(copyStatus.output)")

            // The same spec through a symbolic link is the same cluster.
            let link = cluster.directory.appendingPathComponent("link")
            try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: cluster.directory.path)
            let linked = try await cluster.headnet(["status", "-f", link.appendingPathComponent(cluster.spec).path], in: URL(fileURLWithPath: "/"))
            #expect(linked.status.isSuccess, "\(linked.output)")

            let payloads = try await cluster.payloads(of: "carol") { _ in true }
            #expect(!payloads.contains("to-the-wrong-cluster"))
        }
    }

    @Test func scriptingConventions() async throws {
        try await Self.withCluster(tls: true) { cluster in
            try #require(try await cluster.headnet("up", cluster.spec).status.isSuccess)

            let nobody = try await cluster.headnet("tail", "nobody", "--spec", cluster.spec)
            #expect(nobody.status == .exited(1))
            #expect(nobody.output.trimmingCharacters(in: .whitespacesAndNewlines) == "Error: no node named 'nobody' (nodes: alice, bob, carol)")
            let unknown = try await cluster.headnet("tail", "alice", "--bogus")
            #expect(unknown.status == .exited(64) && unknown.output.contains("Usage: headnet tail"), "\(unknown.output)")
            let missing = try await cluster.headnet("status", "-f", "nope.yaml")
            #expect(missing.status == .exited(1) && missing.output.contains("no spec at 'nope.yaml'") && !missing.output.contains("Usage"),
                    "\(missing.output)")

            // HEADNET_SPEC names the spec when no argument does.
            let fromEnvironment = try await cluster.headnet(["status"], environment: ["HEADNET_SPEC": cluster.spec])
            #expect(fromEnvironment.status.isSuccess && fromEnvironment.output.contains("3/3 members up, quorum 2: ok"), "\(fromEnvironment.output)")

            // `logs -f` into a pipe: each line is written as it comes.
            let piped = try await cluster.shell(#"timeout 3 "$HEADNET" logs alice -f --spec spec.yaml | head -3"#)
            #expect(piped.output.split(separator: "\n").count == 3, "\(piped.output)")

            // etcdctl through `headnet env` on a TLS cluster.
            let etcdctl = try await cluster.shell(#"eval "$("$HEADNET" env alice -f spec.yaml)" && etcdctl get version --print-value-only"#)
            #expect(etcdctl.status.isSuccess && etcdctl.output.contains("ProtocolVersion"), "\(etcdctl.output)")

            // The trace, readable: the broadcast and its delivery.
            #expect(try await cluster.headnet("broadcast", "bob", "traced", "-f", cluster.spec).status.isSuccess)
            _ = try await cluster.payloads(of: "bob") { $0.contains("traced") }
            let trace = try await cluster.headnet("logs", "bob", "--trace", "--spec", cluster.spec)
            #expect(trace.output.contains("queued 6 bytes") && trace.output.contains("from bob at revision"), "\(trace.output)")
            #expect(trace.output.contains("connectivity"), "\(trace.output)")
        }
    }

    @Test func aFailedUpStopsWhatItStartedUnlessRetained() async throws {
        try await Self.withCluster(tls: false) { cluster in
            // No node can be ready within 0 s: the run fails after starting all three.
            let failed = try await cluster.headnet("up", "--timeout", "0", "-f", cluster.spec)
            #expect(failed.status == .exited(1), "\(failed.output)")
            #expect(failed.output.contains("stopping the nodes this run started") && failed.output.contains("✓ stopped alice"), "\(failed.output)")
            #expect(failed.output.contains("Error: cluster 'test' is not up"), "\(failed.output)")
            #expect(try await !cluster.processesLeft())

            let retained = try await cluster.headnet("up", "--timeout", "0", "--retain", "-f", cluster.spec)
            #expect(retained.status == .exited(1) && !retained.output.contains("stopping"), "\(retained.output)")
            #expect(try await cluster.processesLeft(), "--retain keeps the nodes running")
        }
    }

    @Test func aProtocolOneDevnetSpeaksHydraTwoThree() async throws {
        try await Self.withCluster(tls: false, protocolVersion: 1) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            #expect(try await cluster.headnet("broadcast", "alice", "over-v1", "-f", cluster.spec).status.isSuccess)
            let payloads = try await cluster.payloads(of: "carol") { $0.contains("over-v1") }
            #expect(payloads == ["over-v1"])
            let values = try await cluster.shell(
                #"eval "$("$HEADNET" env alice -f spec.yaml)" && etcdctl get version --print-value-only | od -An -tx1 && "#
                    + #"etcdctl get alive-127.0.0.1:\#(cluster.listens[0]) --print-value-only | od -An -tx1"#)
            let hex = values.output.filter(\.isHexDigit)
            #expect(hex.hasPrefix("010a"), "version is the bare number 01: \(values.output)")
            let port = String(format: "%04x", cluster.listens[0])
            #expect(hex.contains("693132372e302e302e3119\(port)"), "alive- is hostname text then port: \(values.output)")
        }
    }
}
