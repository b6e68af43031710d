import EtcdTesting
import Foundation
import NIOCore
import NodeHTTP
import Processes
import Synchronization
import Testing


/// `headnet restart --rolling` under load (issue 12), through the real binary.
extension DevnetCommandTests {
    /// Posts `sender-i` payloads to one node's API at `perSecond` until stopped; keeps the ones
    /// answered 202 (accepted), in order.
    final class Load: Sendable {
        let accepted = Mutex<[String: [String]]>([:])
        let refused = Mutex(0)
        let stopped = Mutex(false)

        func run(api: Int, sender: String, perSecond: Int) async {
            let start = ContinuousClock.now
            var index = 0
            while !stopped.withLock({ $0 }) {
                let payload = "\(sender)-\(index)"
                let status = try? await HTTPConnection.request(
                    host: "127.0.0.1", port: api, .POST, "/broadcast", body: ByteBuffer(string: payload), timeout: .seconds(5)
                ).status
                if status == 202 {
                    accepted.withLock { $0[sender, default: []].append(payload) }
                } else {
                    refused.withLock { $0 += 1 }
                }
                index += 1
                // Pace to `perSecond` (a rate, not a wait for something to happen).
                let next = start.advanced(by: .milliseconds(1000 * index / perSecond))
                if next > .now { try? await Task.sleep(until: next) }
            }
        }
    }

    /// A node's journal, as the payloads in order.
    static func journal(api: Int) async throws -> [String] {
        let data = try await HTTPConnection.request(host: "127.0.0.1", port: api, .GET, "/messages?after=0", timeout: .seconds(10)).body
        return Data(data.readableBytesView).split(separator: 0x0a).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])?["payload"] as? String
        }.compactMap { Data(base64Encoded: $0).map { String(decoding: $0, as: UTF8.self) } }
    }

    /// Every message `load` got accepted is in the journal of every node (APIs `apis`) exactly
    /// once, and each sender's messages are in order (a refused post may still have been queued:
    /// it counts, in its place).
    static func expectEveryJournalHoldsEveryAcceptedMessage(_ load: Load, apis: [Int]) async throws {
        let accepted = load.accepted.withLock { $0 }
        for api in apis {
            var journal: [String] = []
            try await eventually("node on \(api) has every accepted message") {
                journal = try await Self.journal(api: api)
                return Set(journal).isSuperset(of: accepted.values.flatMap { $0 })
            }
            #expect(journal.count == Set(journal).count, "no duplicates on \(api)")
            for (sender, sent) in accepted {
                let received = journal.filter { $0.hasPrefix("\(sender)-") }
                let indices = received.map { Int($0.dropFirst(sender.count + 1))! }
                #expect(indices == indices.sorted(), "\(sender)'s messages in order on \(api)")
                #expect(Set(sent).isSubset(of: Set(received)))
            }
        }
    }

    @Test(arguments: [3, 5])
    func rollingRestartUnderLoadLosesNothing(nodes: Int) async throws {
        try await Self.withCluster(tls: false, nodes: nodes) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            let load = Load()
            let senders = Task {
                await withTaskGroup(of: Void.self) { group in
                    for (index, api) in cluster.apis.enumerated() {
                        group.addTask { await load.run(api: api, sender: "n\(index)", perSecond: 50) }
                    }
                }
            }
            try await eventually("every node has accepted messages") { load.accepted.withLock { $0.count } == nodes }
            let restart = try await cluster.headnet("restart", "--rolling", "-f", cluster.spec, "--json")
            load.stopped.withLock { $0 = true }
            await senders.value
            try #require(restart.status.isSuccess, "\(restart.output)")

            // The step log: every node stopped and started once; the leader (whose leadership
            // moved first) is the last one stopped.
            let steps = restart.output.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let stops = steps.filter { $0["step"] as? String == "stop" }.compactMap { $0["node"] as? String }
            let moved = try #require(steps.first { $0["step"] as? String == "move-leader" }?["node"] as? String, "\(restart.output)")
            #expect(stops.count == nodes && Set(stops).count == nodes, "\(stops)")
            #expect(stops.last == moved, "the leader restarts last: \(restart.output)")
            let seconds = steps.compactMap { $0["seconds"] as? Double }.reduce(0, +)
            print("headnet restart --rolling (\(nodes) nodes, 50 msg/s per node): \(String(format: "%.1f", seconds)) s")

            print("accepted \(load.accepted.withLock { $0 }.values.map(\.count).reduce(0, +)) messages, \(load.refused.withLock { $0 }) refused while nodes restarted")
            try await Self.expectEveryJournalHoldsEveryAcceptedMessage(load, apis: cluster.apis)
        }
    }

    @Test func restartRefusesWhenHealthFails() async throws {
        try await Self.withCluster(tls: false) { cluster in
            try #require(try await cluster.headnet("up", "-f", cluster.spec).status.isSuccess)
            let carol = try #require(Int32(try String(
                contentsOf: cluster.directory.appendingPathComponent(".headnet/test/carol/node.pid"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            kill(carol, SIGTERM)
            _ = await ProcessControl.waitForExit(carol, timeout: .seconds(20))
            let refused = try await cluster.headnet("restart", "bob", "-f", cluster.spec)
            #expect(refused.status == .exited(1))
            #expect(refused.output.contains("not restarting: `headnet health` fails"), "\(refused.output)")
            // The refusal names the evidence (with --json there is no table).
            #expect(refused.output.contains("node API on carol: carol does not answer"), "\(refused.output)")
            #expect(!refused.output.contains("stopped bob"), "nothing was stopped: \(refused.output)")
            let usage = try await cluster.headnet("restart", "-f", cluster.spec)
            #expect(usage.status == .exited(64))
        }
    }
}
