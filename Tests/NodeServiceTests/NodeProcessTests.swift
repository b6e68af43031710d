import EtcdTesting
import Foundation
import NIOCore
import NIOHTTP1
import NodeHTTP
import Processes
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `headnet node` as a black box: real processes, real etcd children, HTTP API.
@Suite(.serialized) struct NodeProcessTests {
    final class NodeProcess: Sendable {
        let name: String
        let listen: Int
        let api: Int
        let arguments: [String]
        let process = Mutex<ChildProcess?>(nil)

        init(name: String, listen: Int, api: Int, peers: [Int], root: URL) {
            self.name = name
            self.listen = listen
            self.api = api
            arguments = ["node", "--node-id", name, "--listen", "127.0.0.1:\(listen)", "--api", "127.0.0.1:\(api)",
                         "--persistence-dir", root.appendingPathComponent(name).path,
                         "--etcd-arg=--heartbeat-interval=50", "--etcd-arg=--election-timeout=500"]
                + peers.flatMap { ["--peer", "127.0.0.1:\($0)"] }
        }

        /// Starts the node; its output goes to `<name>-<random>.log` in `logDirectory`.
        func start(binary: String, logDirectory: URL) async throws {
            let log = logDirectory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(4)).log")
            // Its own process group, like a node started from a shell: SIGKILL of the node leaves its etcd.
            let child = try await ChildProcess.start(ProcessSpec(binary, arguments), output: .file(log), stop: .kill)
            process.withLock { $0 = child }
        }

        var isRunning: Bool { process.withLock { $0?.exitStatus == nil && $0 != nil } }

        /// Sends `signal` to the node only (not its etcd's group) and waits up to 20 s for it to exit.
        func signal(_ signal: Int32) async {
            guard let child = process.withLock({ $0 }), child.exitStatus == nil else { return }
            kill(child.pid, signal)
            await child.waitForExit(timeout: .seconds(20))
        }
    }

    func http(_ method: String, _ url: String, body: Data? = nil) async throws -> (Int, Data) {
        let target = try #require(URLComponents(string: url))
        let response = try await HTTPConnection.request(
            host: target.host ?? "127.0.0.1", port: target.port ?? 80, HTTPMethod(rawValue: method),
            target.percentEncodedPath + (target.percentEncodedQuery.map { "?\($0)" } ?? ""), body: body.map { ByteBuffer(bytes: $0) },
            timeout: .seconds(5))
        return (response.status, Data(response.body.readableBytesView))
    }

    func journalCount(_ node: NodeProcess) async -> Int { (try? await journal(node).count) ?? 0 }

    func journal(_ node: NodeProcess) async throws -> [[String: Any]] {
        let (_, data) = try await http("GET", "http://127.0.0.1:\(node.api)/messages?after=0")
        return try data.split(separator: 0x0a).map { try JSONSerialization.jsonObject(with: Data($0)) as! [String: Any] }
    }

    @Test func broadcastReachesEveryJournalAndSurvivesKillMinusNine() async throws {
        let binary = try BuiltExecutable.path("headnet")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-nodes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let listens = try Ports.pickFree(3, offsets: [5001 - 2379])
        let apis = try Ports.pickFree(3)
        let nodes = (0..<3).map { i in
            NodeProcess(name: "n\(i)", listen: listens[i], api: apis[i], peers: listens.filter { $0 != listens[i] }, root: root)
        }
        func cleanUp(showLogs: Bool) async {
            // Show the nodes' logs when the test stopped early.
            if showLogs, let logs = try? FileManager.default.contentsOfDirectory(atPath: root.path) {
                for log in logs.sorted() where log.hasSuffix(".log") {
                    let text = (try? String(contentsOf: root.appendingPathComponent(log), encoding: .utf8)) ?? ""
                    let interesting = text.split(separator: "\n").filter { !$0.hasPrefix("{") }.suffix(15)
                    print("--- \(log)\n" + interesting.joined(separator: "\n"))
                }
            }
            for node in nodes { await node.signal(SIGKILL) }
            // Any etcd still holding one of our data directories goes too.
            _ = try? await Command.run("pkill", ["-KILL", "-f", root.path])
            try? FileManager.default.removeItem(at: root)
        }
        do {
            try await run(nodes, binary: binary, root: root, listens: listens)
        } catch {
            await cleanUp(showLogs: true)
            throw error
        }
        await cleanUp(showLogs: false)
    }

    private func run(_ nodes: [NodeProcess], binary: String, root: URL, listens: [Int]) async throws {
        for node in nodes { try await node.start(binary: binary, logDirectory: root) }
        for node in nodes {
            try await eventually("\(node.name) ready") { (try? await http("GET", "http://127.0.0.1:\(node.api)/readyz").0) == 200 }
        }
        let (status, _) = try await http("POST", "http://127.0.0.1:\(nodes[0].api)/broadcast", body: Data("first".utf8))
        #expect(status == 202)
        for node in nodes {
            try await eventually("\(node.name) journals the message") { (await journalCount(node)) == 1 }
            let entry = try await journal(node)[0]
            #expect(entry["payload"] as? String == Data("first".utf8).base64EncodedString())
            #expect(entry["sender"] as? String == "127.0.0.1:\(listens[0])")
        }

        // The rest of the API: status, metrics, a following reader, and trace lines on stdout.
        let (statusCode, statusBody) = try await http("GET", "http://127.0.0.1:\(nodes[1].api)/status")
        #expect(statusCode == 200)
        let document = try #require(try JSONSerialization.jsonObject(with: statusBody) as? [String: Any])
        #expect(document["advertise"] as? String == "127.0.0.1:\(listens[1])")
        #expect(document["delivered"] as? Int == 1)
        let (_, metrics) = try await http("GET", "http://127.0.0.1:\(nodes[1].api)/metrics")
        #expect(String(decoding: metrics, as: UTF8.self).contains("headnet_messages_delivered_total 1"))
        // The sender timed its message through both stages; every node sees its etcd's leader.
        // (The put's answer can come after the watch delivered, so the counts are polled.)
        try await eventually("the sender timed its message") {
            let text = String(decoding: (try? await http("GET", "http://127.0.0.1:\(nodes[0].api)/metrics").1) ?? Data(), as: UTF8.self)
            return text.contains("headnet_broadcast_queued_to_committed_seconds_count 1\n")
                && text.contains("headnet_broadcast_committed_to_delivered_seconds_count 1\n")
        }
        for node in nodes {
            try await eventually("\(node.name)'s metrics show its etcd's leader") {
                let text = String(decoding: (try? await http("GET", "http://127.0.0.1:\(node.api)/metrics").1) ?? Data(), as: UTF8.self)
                return text.contains("headnet_etcd_has_leader 1.0\n") && text.contains("headnet_etcd_db_size_bytes ")
                    && !text.contains("headnet_etcd_raft_index 0.0")
            }
        }
        // A following reader (curl streams the chunked response line by line).
        let followed = root.appendingPathComponent("follow.ndjson")
        let follower = try await ChildProcess.start(
            ProcessSpec("curl", ["-sN", "--max-time", "60", "http://127.0.0.1:\(nodes[1].api)/messages?after=1&follow=true"]),
            output: .file(followed), stop: .terminate())
        func streamed() -> [Substring] {
            ((try? String(contentsOf: followed, encoding: .utf8)) ?? "").split(separator: "\n")
        }
        defer { follower.signal(SIGKILL) }
        let traces = try String(contentsOf: root, encoding: .utf8, logOf: nodes[0])
        #expect(traces.contains(#""tag":"MatchingProtocolVersion""#))

        // kill -9 the third node; the others keep talking; it comes back with every message once.
        await nodes[2].signal(SIGKILL)
        for i in 0..<5 {
            _ = try await http("POST", "http://127.0.0.1:\(nodes[i % 2].api)/broadcast", body: Data("m\(i)".utf8))
        }
        try await eventually("n1 has 6") { (await journalCount(nodes[1])) == 6 }
        try await eventually("the follower streams the 5 new entries") { streamed().count >= 5 }
        #expect(follower.exitStatus == nil, "a following reader stays connected")
        await follower.stop()
        #expect(streamed().count == 5)
        #expect(streamed().first?.contains(#""index":2"#) == true)
        try await nodes[2].start(binary: binary, logDirectory: root)
        try await eventually("n2 has 6 again") { (await journalCount(nodes[2])) >= 6 }
        _ = try await http("POST", "http://127.0.0.1:\(nodes[2].api)/broadcast", body: Data("last".utf8))
        for node in nodes {
            try await eventually("\(node.name) has 7") { (await journalCount(node)) >= 7 }
        }
        let payloads = try await journal(nodes[2]).compactMap { $0["payload"] as? String }
            .map { String(decoding: Data(base64Encoded: $0)!, as: UTF8.self) }
        #expect(payloads.count == 7)
        #expect(Set(payloads) == ["first", "m0", "m1", "m2", "m3", "m4", "last"])
        let indexes = try await journal(nodes[2]).compactMap { $0["index"] as? Int }
        #expect(indexes == Array(1...7))

        let lastRevision = try await journal(nodes[0]).last?["revision"] as? Int

        // SIGTERM stops every node and its etcd.
        await withTaskGroup(of: Void.self) { group in
            for node in nodes { group.addTask { await node.signal(SIGTERM) } }
        }
        #expect(nodes.allSatisfy { !$0.isRunning })
        // A node stopping writes its last known revision, behind its journal's sync: the
        // revision of its last journaled message (the "last" broadcast's).
        for node in nodes {
            let stored = try String(contentsOf: root.appendingPathComponent(node.name).appendingPathComponent("last-known-revision"), encoding: .utf8)
            #expect(Int(stored.trimmingCharacters(in: .whitespaces)) == lastRevision, "\(node.name)'s last known revision on disk")
        }
        let leftover = try await Command.run("pgrep", ["-f", root.path])
        #expect(leftover.status == .exited(1), "an etcd of the test is still running: \(leftover.output)")
    }
}

extension String {
    /// The combined output of every run of `node` so far (its log files in `root`).
    init(contentsOf root: URL, encoding: String.Encoding, logOf node: NodeProcessTests.NodeProcess) throws {
        let logs = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix("\(node.name)-") }
        self = try logs.sorted().map { try String(contentsOf: root.appendingPathComponent($0), encoding: encoding) }.joined()
    }
}
