import EtcdTesting
import Foundation
import NIOCore
import NodeHTTP
import Processes
import Testing

/// What an operator trial found (issue 22), through the real binary: a node whose queue is
/// full answers at once and keeps nothing, so a client that is refused knows its message will
/// not go out, and what was accepted goes out once, in order; a node stopped with SIGSTOP is
/// named as such and not waited for.
extension DevnetCommandTests {
    /// One POST /broadcast with a 1 s answer deadline: the status, or nil when no answer came.
    static func post(api: Int, _ payload: String) async -> Int? {
        let response = try? await HTTPConnection.request(
            host: "127.0.0.1", port: api, .POST, "/broadcast", body: ByteBuffer(string: payload), timeout: .seconds(1))
        return response?.status
    }

    @Test func aFullQueueRefusesAtOnceAndWhatWasAcceptedIsDeliveredOnceInOrder() async throws {
        let capacity = 20
        try await Self.withCluster(tls: false, queueCapacity: capacity) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            // bob and carol stop (SIGTERM, as an operator would): alice's etcd has no quorum.
            for node in ["bob", "carol"] {
                let pid = try Self.pid(cluster, node, "node.pid")
                kill(pid, SIGTERM)
                #expect(await ProcessControl.waitForExit(pid, timeout: .seconds(20)), "\(node) stopped")
            }
            try await eventually("alice's node sees no leader") {
                let response = try await HTTPConnection.request(host: "127.0.0.1", port: cluster.apis[0], .GET, "/status", timeout: .seconds(5))
                let document = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                let etcd = (document?["network"] as? [String: Any])?["etcd"] as? [String: Any]
                return etcd?["hasLeader"] as? Bool == false
            }
            // capacity + 10 sequential POSTs: the first `capacity` are queued (fdatasynced), every
            // later one is answered 503 within the 1 s deadline: none hangs, none is kept.
            var answers: [String: Int?] = [:]
            var order: [String] = []
            for index in 0..<(capacity + 10) {
                let payload = "q-\(index)"
                order.append(payload)
                answers[payload] = await Self.post(api: cluster.apis[0], payload)
            }
            let accepted = order.filter { answers[$0] == 202 }
            let refused = order.filter { answers[$0] == 503 }
            #expect(accepted == Array(order.prefix(capacity)), "\(answers)")
            #expect(refused == Array(order.suffix(10)), "every POST past capacity answered 503 within 1 s: \(answers)")

            // The CLI says why, and that nothing was queued.
            let broadcast = try await cluster.headnet("broadcast", "alice", "one-more", "-f", cluster.spec)
            #expect(broadcast.status == .exited(1))
            #expect(broadcast.output.contains("queue full (\(capacity) of \(capacity))"), "\(broadcast.output)")
            #expect(broadcast.output.contains("no quorum") && broadcast.output.contains("1 of 3 members up"), "\(broadcast.output)")
            #expect(broadcast.output.contains("nothing was queued"), "\(broadcast.output)")
            #expect(!broadcast.output.contains("is it running"), "\(broadcast.output)")
            let status = try await cluster.headnet("status", "-f", cluster.spec)
            #expect(status.output.contains("queue full (\(capacity) of \(capacity))"), "\(status.output)")

            // Quorum back: exactly the accepted messages are delivered on every node, once, in order.
            let up = try await cluster.headnet("up", "-f", cluster.spec)
            try #require(up.status.isSuccess, "\(up.output)")
            for api in cluster.apis {
                var journal: [String] = []
                try await eventually("node on \(api) delivered the accepted messages") {
                    journal = try await Self.journal(api: api).filter { $0.hasPrefix("q-") }
                    return journal.count >= accepted.count
                }
                #expect(journal == accepted, "on \(api): exactly the 202'd messages, in the order sent, once")
            }
        }
    }

    @Test func aStoppedNodeIsNamedAsSuchAndNotWaitedFor() async throws {
        try await Self.withCluster(tls: false) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            let pid = try Self.pid(cluster, "carol", "node.pid")
            kill(pid, SIGSTOP)
            defer { kill(pid, SIGCONT) }
            let stopped = "carol is stopped (SIGSTOP), not crashed: `kill -CONT \(pid)`"
            let status = try await cluster.headnet("status", "-f", cluster.spec)
            #expect(status.status == .exited(1))
            #expect(status.output.contains(stopped), "\(status.output)")
            let broadcast = try await cluster.headnet("broadcast", "carol", "hi", "-f", cluster.spec)
            #expect(broadcast.status == .exited(1) && broadcast.output.contains(stopped), "\(broadcast.output)")
            let health = try await cluster.headnet("health", "-f", cluster.spec)
            #expect(health.status == .exited(1) && health.output.contains(stopped), "\(health.output)")
            // `up` fails on it at once instead of waiting for its readiness until the timeout.
            let up = try await cluster.headnet("up", "-f", cluster.spec, "--timeout", "600")
            #expect(up.status == .exited(1) && up.output.contains("✗ \(stopped)"), "\(up.output)")
            kill(pid, SIGCONT)
            try await eventually("carol answers again") { try await cluster.headnet("status", "-f", cluster.spec).status.isSuccess }
        }
    }

    @Test func stopKeepsANodeStoppedAcrossUpUntilStartAndDownForgetsIt() async throws {
        try await Self.withCluster(tls: false) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            let stop = try await cluster.headnet("stop", "carol", "-f", cluster.spec)
            #expect(stop.status.isSuccess, "\(stop.output)")
            let held = "stopped with `headnet stop`; `headnet start carol` starts it"
            let status = try await cluster.headnet("status", "-f", cluster.spec)
            #expect(status.status == .exited(1) && status.output.contains(held), "\(status.output)")
            let up = try await cluster.headnet("up", "-f", cluster.spec)
            #expect(up.status.isSuccess && up.output.contains("carol stays stopped") && !up.output.contains("started carol"), "\(up.output)")
            let start = try await cluster.headnet("start", "carol", "-f", cluster.spec)
            #expect(start.status.isSuccess && start.output.contains("✓ carol ready"), "\(start.output)")
            #expect(try await cluster.headnet("status", "-f", cluster.spec).status.isSuccess)
            // down forgets a stop: the next up starts every node.
            #expect(try await cluster.headnet("stop", "bob", "-f", cluster.spec).status.isSuccess)
            #expect(try await cluster.headnet("down", "-f", cluster.spec).status.isSuccess)
            let again = try await cluster.headnet("up", "-f", cluster.spec)
            #expect(again.status.isSuccess && again.output.contains("started bob"), "\(again.output)")
            let unknown = try await cluster.headnet("stop", "zoe", "-f", cluster.spec)
            #expect(unknown.status == .exited(1) && unknown.output.contains("no node named 'zoe'"), "\(unknown.output)")
        }
    }

    /// Ctrl-C while `up` waits: it stops waiting, rolls back what it started and says what runs.
    @Test func anInterruptedUpRollsBackWhatItStarted() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-fake-etcd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // An "etcd" that never serves: the nodes start but never become ready.
        let fake = directory.appendingPathComponent("etcd")
        try "#!/bin/sh\nexec sleep 600\n".write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        try await Self.withCluster(tls: false, etcdBinary: fake.path) { cluster in
            let up = try await ChildProcess.start(
                ProcessSpec(try BuiltExecutable.path("headnet"), ["up", "-f", cluster.spec, "--timeout", "600"], workingDirectory: cluster.directory),
                output: .lines)
            var output: [String] = []
            for await line in up.lines {
                output.append(line)
                if line.contains("started carol") { kill(up.pid, SIGINT) }
            }
            let status = await up.waitForExit()
            let text = output.joined(separator: "\n")
            #expect(status == .exited(130), "\(text)")
            #expect(text.contains("interrupted: no more waiting") && text.contains("stopping the nodes this run started"), "\(text)")
            #expect(text.contains("nothing of cluster 'test' runs"), "\(text)")
            #expect(try await !cluster.processesLeft(), "\(text)")
        }
    }

    /// `tail -f` follows the node's journal through its API and, when the node stops, waits for
    /// it and goes on after the last entry it showed: nothing twice, nothing skipped.
    @Test func tailFollowsAcrossARestartOfTheNode() async throws {
        try await Self.withCluster(tls: false) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            #expect(try await cluster.headnet("broadcast", "alice", "before", "-f", cluster.spec).status.isSuccess)
            let tail = try await ChildProcess.start(
                ProcessSpec(try BuiltExecutable.path("headnet"), ["tail", "carol", "--follow", "--spec", cluster.spec], workingDirectory: cluster.directory),
                output: .lines)
            defer { kill(tail.pid, SIGKILL) }
            var lines = tail.lines.makeAsyncIterator()
            var seen: [String] = []
            func waitFor(_ text: String) async -> Bool {
                while let line = await lines.next() {
                    seen.append(line)
                    if line.contains(text) { return true }
                }
                return false
            }
            #expect(await waitFor("before"), "\(seen)")
            #expect(try await cluster.headnet("stop", "carol", "-f", cluster.spec).status.isSuccess)
            #expect(await waitFor("following again when it does"), "\(seen)")
            #expect(try await cluster.headnet("broadcast", "alice", "while-carol-was-down", "-f", cluster.spec).status.isSuccess)
            #expect(try await cluster.headnet("start", "carol", "-f", cluster.spec).status.isSuccess)
            #expect(try await cluster.headnet("broadcast", "bob", "after", "-f", cluster.spec).status.isSuccess)
            #expect(await waitFor("after"), "\(seen)")
            let shown = seen.filter { !$0.hasPrefix("#") }
            #expect(shown.map { $0.split(separator: "\t").last.map(String.init) } == ["before", "while-carol-was-down", "after"], "\(seen)")
        }
    }
}
