import EtcdTesting
import Foundation
import NIOCore
import NIOHTTP1
import NodeHTTP
import Processes
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `POST /broadcast` with an `Idempotency-Key` on a real node (one member, real etcd): a retry is
/// delivered once, also when it comes after the node was stopped or killed and started again on
/// the same state directory.
@Suite(.serialized) struct IdempotentBroadcastProcessTests {
    typealias NodeProcess = NodeProcessTests.NodeProcess

    /// A node's answer: status, whether it says it replayed, body.
    struct Answer {
        var status: Int
        var replayed: Bool
        var body: String
    }

    func post(_ node: NodeProcess, _ payload: String, key: String?) async throws -> Answer {
        let response = try await HTTPConnection.request(
            host: "127.0.0.1", port: node.api, .POST, "/broadcast", headers: key.map { [("Idempotency-Key", $0)] } ?? [],
            body: ByteBuffer(string: payload), timeout: .seconds(5))
        return Answer(
            status: response.status, replayed: response.headers.first(name: "Idempotent-Replayed") == "true",
            body: String(buffer: response.body))
    }

    func get(_ node: NodeProcess, _ path: String) async throws -> String {
        String(buffer: try await HTTPConnection.request(host: "127.0.0.1", port: node.api, .GET, path, timeout: .seconds(5)).body)
    }

    /// The payloads of the node's journal, in order.
    func payloads(_ node: NodeProcess) async throws -> [String] {
        try await get(node, "/messages?after=0").split(separator: "\n").map { line in
            let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return String(decoding: Data(base64Encoded: entry?["payload"] as? String ?? "") ?? Data(), as: UTF8.self)
        }
    }

    /// Waits until the journal ends with `last`: the node's own messages are delivered in the
    /// order they were queued, so everything queued before `last` is in the journal by then.
    func journal(_ node: NodeProcess, through last: String) async throws -> [String] {
        try await eventually("\(node.name) delivers \(last)") { (try? await payloads(node).last) == last }
        return try await payloads(node)
    }

    func startReady(_ node: NodeProcess, binary: String, root: URL) async throws {
        try await node.start(binary: binary, logDirectory: root)
        try await eventually("\(node.name) ready") { (try? await get(node, "/readyz")) == "ready\n" }
    }

    @Test func aRetryIsDeliveredOnceAcrossRestartsAndKills() async throws {
        let binary = try BuiltExecutable.path("headnet")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-idem-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let listen = try Ports.pickFree(1, offsets: [5001 - 2379])[0]
        let node = NodeProcess(name: "solo", listen: listen, api: try Ports.pickFree(1)[0], peers: [], root: root)
        do {
            try await run(node, binary: binary, root: root)
        } catch {
            let logs = (try? String(contentsOf: root, encoding: .utf8, logOf: node)) ?? ""
            print("--- solo\n" + logs.split(separator: "\n").filter { !$0.hasPrefix("{") }.suffix(20).joined(separator: "\n"))
            await stop(node, root: root)
            throw error
        }
        await stop(node, root: root)
    }

    private func stop(_ node: NodeProcess, root: URL) async {
        await node.signal(SIGKILL)
        // The node's etcd, left by a SIGKILL, holds a directory of the test.
        _ = try? await Command.run("pkill", ["-KILL", "-f", root.path])
        try? FileManager.default.removeItem(at: root)
    }

    private func run(_ node: NodeProcess, binary: String, root: URL) async throws {
        try await startReady(node, binary: binary, root: root)
        let first = try await post(node, "first", key: "load-1")
        #expect(first.status == 202 && !first.replayed)
        let retry = try await post(node, "first", key: "load-1")
        #expect(retry.status == 202 && retry.replayed && retry.body == first.body)
        #expect(try await journal(node, through: "first") == ["first"])
        #expect(try await post(node, "second", key: "load-2").status == 202)
        #expect(try await journal(node, through: "second") == ["first", "second"])
        #expect(try await get(node, "/metrics").contains("headnet_broadcast_idempotent_replays_total 1\n"))

        // Two at once with one key: one message.
        let together = try await withThrowingTaskGroup(of: Answer.self) { group in
            for _ in 0..<4 { group.addTask { try await post(node, "together", key: "load-3") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(together.allSatisfy { $0.status == 202 } && together.filter { !$0.replayed }.count == 1)

        // A refused request is not remembered: its retry is delivered.
        let tooBig = String(repeating: "x", count: (1 << 20) + 1)
        #expect(try await post(node, tooBig, key: "load-4").status == 413)
        let afterRefusal = try await post(node, "after-413", key: "load-4")
        #expect(afterRefusal.status == 202 && !afterRefusal.replayed)
        let bad = try await post(node, "x", key: "has space")
        #expect(bad.status == 400 && bad.body.contains("visible ASCII"))
        #expect(try await journal(node, through: "after-413") == ["first", "second", "together", "after-413"])

        // Stopped (SIGTERM) and started again on the same state: the retries are still known.
        await node.signal(SIGTERM)
        try await startReady(node, binary: binary, root: root)
        for (payload, key) in [("first", "load-1"), ("together", "load-3"), ("after-413", "load-4")] {
            let again = try await post(node, payload, key: key)
            #expect(again.status == 202 && again.replayed, "\(key) after a restart")
        }
        #expect(try await post(node, "after-restart", key: "load-5").status == 202)
        #expect(try await journal(node, through: "after-restart") == ["first", "second", "together", "after-413", "after-restart"])

        // Killed (SIGKILL) right after the 202: the key is durable with the message.
        #expect(try await post(node, "before-kill", key: "load-6").status == 202)
        await node.signal(SIGKILL)
        try await startReady(node, binary: binary, root: root)
        let afterKill = try await post(node, "before-kill", key: "load-6")
        #expect(afterKill.status == 202 && afterKill.replayed)
        #expect(try await post(node, "last", key: "load-7").status == 202)
        let delivered = try await journal(node, through: "last")
        #expect(delivered == ["first", "second", "together", "after-413", "after-restart", "before-kill", "last"])
    }
}
