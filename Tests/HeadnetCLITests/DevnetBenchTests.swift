import EtcdTesting
import Foundation
import Processes
import Testing

/// `headnet bench` for real, small: on an existing cluster (left running) and on its own
/// devnet (removed afterwards).
@Suite(.serialized) struct DevnetBenchTests {
    /// Small counts: the run takes seconds, every phase still runs.
    static let smallRun = ["--json", "--messages", "300", "--senders", "4", "--puts", "100", "--latency-samples", "50", "--low-load-samples", "30"]

    /// The report's fields, by object (the stable JSON the README documents).
    static let fields: [String: Set<String>] = [
        "": ["machine", "setup", "raw", "headnet", "ratios", "nodeRSS", "etcdDbSize", "seconds"],
        "machine": ["cores", "etcdVersion", "build"],
        "setup": ["nodes", "ownDevnet", "spec", "messages", "size", "senders", "rawPuts", "rawLatencySamples", "lowLoadSamples", "latencyRounds", "sliceSize"],
        "raw": ["sequentialPuts", "sequentialPutsPerSecond", "inFlight", "inFlightPuts", "inFlightPutsPerSecond", "putToWatchSameMember", "putToWatchEveryMember"],
        "headnet": ["lowLoad", "saturation", "revisions", "revisionsPerThousandMessages"],
        "saturation": ["messages", "seconds", "deliveredPerSecond", "latency", "slices"],
        "latency": ["samples", "p50Ms", "p90Ms", "p99Ms", "maxMs", "meanMs"],
        "ratios": ["throughput", "lowLoadP50", "lowLoadP99", "revisions"],
        "nodeRSS": ["node", "pid", "beforeBytes", "afterFirstSliceBytes", "endBytes"],
        "etcdDbSize": ["beforeBytes", "afterBytes"],
        "slice": ["delivered", "messagesPerSecond"],
    ]

    /// Runs `headnet bench` with `arguments` through a shell in `cluster`'s directory, standard
    /// error to a file; returns the parsed report.
    static func bench(_ cluster: DevnetCommandTests.Cluster, _ arguments: [String]) async throws -> [String: Any] {
        let result = try await cluster.shell("\"$HEADNET\" bench \(arguments.joined(separator: " ")) 2>bench.err")
        let progress = (try? String(contentsOf: cluster.directory.appendingPathComponent("bench.err"), encoding: .utf8)) ?? ""
        try #require(result.status.isSuccess, "\(result.output)\n\(progress)")
        print(progress)
        return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "\(result.output)")
    }

    /// Checks every field is there and the figures are plausible for a run of `smallRun`.
    static func checkReport(_ report: [String: Any], ownDevnet: Bool) throws {
        func object(_ value: Any?) throws -> [String: Any] { try #require(value as? [String: Any]) }
        func keys(_ value: [String: Any], _ kind: String) { #expect(Set(value.keys) == fields[kind], "\(kind): \(value.keys.sorted())") }
        keys(report, "")
        let machine = try object(report["machine"]), setup = try object(report["setup"]), raw = try object(report["raw"])
        let headnet = try object(report["headnet"]), saturation = try object(headnet["saturation"]), ratios = try object(report["ratios"])
        keys(machine, "machine"); keys(setup, "setup"); keys(raw, "raw"); keys(headnet, "headnet"); keys(saturation, "saturation"); keys(ratios, "ratios")
        keys(try object(report["etcdDbSize"]), "etcdDbSize")
        for latency in [raw["putToWatchSameMember"], raw["putToWatchEveryMember"], headnet["lowLoad"], saturation["latency"]] {
            let summary = try object(latency)
            keys(summary, "latency")
            #expect((summary["p50Ms"] as? Double ?? 0) > 0)
        }
        #expect(setup["ownDevnet"] as? Bool == ownDevnet && setup["nodes"] as? Int == 3 && setup["sliceSize"] as? Int == 30)
        #expect(try object(raw["putToWatchEveryMember"])["samples"] as? Int == 50)
        #expect(try object(headnet["lowLoad"])["samples"] as? Int == 30)
        #expect(saturation["messages"] as? Int == 300 && (saturation["deliveredPerSecond"] as? Double ?? 0) > 0)
        #expect(try object(saturation["latency"])["samples"] as? Int == 300)
        let slices = try #require(saturation["slices"] as? [[String: Any]])
        #expect(slices.map { $0["delivered"] as? Int } == stride(from: 30, through: 300, by: 30).map { $0 })
        for slice in slices { keys(slice, "slice") }
        // Protocol 2 batches: fewer revisions than messages, but some.
        let revisions = try #require(headnet["revisions"] as? Int)
        #expect(revisions > 0 && revisions <= 300)
        #expect(ratios.values.allSatisfy { ($0 as? Double ?? 0) > 0 })
        let memory = try #require(report["nodeRSS"] as? [[String: Any]])
        #expect(memory.map { $0["node"] as? String } == ["alice", "bob", "carol"])
        for node in memory {
            keys(node, "nodeRSS")
            #expect((node["pid"] as? Int ?? 0) > 0 && (node["beforeBytes"] as? Int ?? 0) > 0 && (node["endBytes"] as? Int ?? 0) > 0)
            #expect((node["afterFirstSliceBytes"] as? Int ?? 0) > 0)
        }
    }

    @Test func benchOnAnExistingClusterLeavesItRunning() async throws {
        try await DevnetCommandTests.withCluster(tls: false) { cluster in
            let up = try await cluster.headnet("up", cluster.spec)
            try #require(up.status.isSuccess, "\(up.output)")
            let report = try await Self.bench(cluster, Self.smallRun + ["--spec", cluster.spec])
            try Self.checkReport(report, ownDevnet: false)

            // Every bench message is in every journal exactly once: 30 low-load and 300 more.
            for node in ["alice", "bob", "carol"] {
                let tail = try await cluster.headnet("tail", node, "--json", "--spec", cluster.spec)
                let payloads = tail.output.split(separator: "\n").compactMap {
                    (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["payload"] as? String
                }.compactMap { Data(base64Encoded: $0) }.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
                let ids = payloads.compactMap { payload in (payload["sender"] as? String).map { "\($0)#\(payload["seq"] as? Int ?? -1)" } }
                #expect(ids.count == 330 && Set(ids).count == 330, "\(node): \(ids.count) bench messages, \(Set(ids).count) distinct")
            }
            // Left running and healthy, its etcd without the raw keys.
            let status = try await cluster.headnet("status", cluster.spec)
            #expect(status.status.isSuccess, "\(status.output)")
            let keys = try await Command.run(ProcessSpec(
                "etcdctl", ["--endpoints=http://127.0.0.1:\(cluster.clientPorts[0])", "get", "--prefix", "bench/", "--keys-only"],
                environment: ["ETCDCTL_API": "3"]))
            #expect(keys.status.isSuccess && keys.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(keys.output)")
        }
    }

    @Test func benchOnItsOwnDevnetRemovesIt() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-bench-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cluster = DevnetCommandTests.Cluster(directory: directory, listens: [], apis: [])
        let report = try await Self.bench(cluster, Self.smallRun)
        try Self.checkReport(report, ownDevnet: true)
        let spec = try #require((report["setup"] as? [String: Any])?["spec"] as? String)
        let devnet = URL(fileURLWithPath: spec).deletingLastPathComponent().deletingLastPathComponent()
        #expect(devnet.lastPathComponent.hasPrefix("headnet-bench-"))
        #expect(!FileManager.default.fileExists(atPath: devnet.path), "\(devnet.path) is left")
        #expect(try await !Command.run("pgrep", ["-f", devnet.path]).status.isSuccess, "processes of \(devnet.path) still run")
    }
}
