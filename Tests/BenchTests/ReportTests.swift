import Foundation
import Testing

@testable import Bench

/// Ratios, and the report as JSON and markdown.
@Suite struct ReportTests {
    static func latency(_ p50: Double, _ p99: Double) -> LatencySummary {
        LatencySummary(samples: 100, p50Ms: p50, p90Ms: (p50 + p99) / 2, p99Ms: p99, maxMs: p99 * 2, meanMs: p50)
    }

    static let raw = BenchReport.Raw(
        sequentialPuts: 2000, sequentialPutsPerSecond: 4000, inFlight: 64, inFlightPuts: 2000, inFlightPutsPerSecond: 20_000,
        putToWatchSameMember: latency(0.5, 1.5), putToWatchEveryMember: latency(0.8, 2))

    static let headnet = BenchReport.Headnet(
        lowLoad: latency(2, 5),
        saturation: .init(
            messages: 20_000, seconds: 2, deliveredPerSecond: 10_000, latency: latency(40, 90),
            slices: [SliceThroughput(delivered: 10_000, messagesPerSecond: 9_900), SliceThroughput(delivered: 20_000, messagesPerSecond: 10_100)]),
        revisions: 500, revisionsPerThousandMessages: 25)

    static var report: BenchReport {
        BenchReport(
            machine: .init(cores: 2, etcdVersion: "3.4.23", build: "release"),
            setup: .init(nodes: 3, ownDevnet: true, spec: "/tmp/x/clusters/bench.yaml", messages: 20_000, size: 1024, senders: 64,
                         rawPuts: 2000, rawLatencySamples: 1000, lowLoadSamples: 600, latencyRounds: 5, sliceSize: 10_000),
            raw: raw, headnet: headnet, ratios: BenchRatios(raw: raw, headnet: headnet),
            nodeRSS: [.init(node: "alice", pid: 42, beforeBytes: 10 << 20, afterFirstSliceBytes: 20 << 20, endBytes: 21 << 20),
                      .init(node: "bob", pid: nil)],
            etcdDbSize: .init(beforeBytes: 1 << 20, afterBytes: 3 << 20), seconds: 12.3)
    }

    @Test func ratiosDivideHeadnetByRaw() {
        let ratios = BenchRatios(raw: Self.raw, headnet: Self.headnet)
        #expect(ratios.throughput == 2.5)
        #expect(ratios.lowLoadP50 == 2.5)
        #expect(ratios.lowLoadP99 == 2.5)
        #expect(ratios.revisions == 0.025)
        #expect(BenchRatios.ratio(1, 0) == nil)
        #expect(BenchRatios.ratio(1, 3) == 0.333)
    }

    @Test func theJSONHasEveryFieldAndNullsForUnknowns() throws {
        let text = try Self.report.json()
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(document.keys) == ["machine", "setup", "raw", "headnet", "ratios", "nodeRSS", "etcdDbSize", "seconds"])
        let ratios = try #require(document["ratios"] as? [String: Any])
        #expect(Set(ratios.keys) == ["throughput", "lowLoadP50", "lowLoadP99", "revisions"])
        let bob = try #require((document["nodeRSS"] as? [[String: Any]])?.last)
        #expect(Set(bob.keys) == ["node", "pid", "beforeBytes", "afterFirstSliceBytes", "endBytes"])
        #expect(bob["pid"] is NSNull)
        let saturation = try #require((document["headnet"] as? [String: Any])?["saturation"] as? [String: Any])
        #expect(saturation["deliveredPerSecond"] as? Double == 10_000)
        #expect((saturation["slices"] as? [[String: Any]])?.count == 2)
        #expect(try JSONDecoder().decode(BenchReport.self, from: Data(text.utf8)) == Self.report)
    }

    @Test func theMarkdownComparesRawAndHeadnetInOneTable() {
        let text = MarkdownReport.render(Self.report)
        #expect(text.hasPrefix("headnet bench: 3 nodes (own devnet), 20,000 messages of 1024 bytes, 64 senders — 2 cores, etcd 3.4.23, release build, 12.3 s\n"))
        #expect(text.contains("| | raw etcd (EtcdClient) | headnet | headnet ÷ raw |"))
        #expect(text.contains("| throughput (msg/s) | 4,000 sequential puts | 10,000 delivered on every node (all nodes sending, 64 senders) | 2.50 |"))
        #expect(text.contains("| latency p50 / p90 / p99 (ms) | 0.80 / 1.40 / 2.00 put→watch on every member | 2.00 / 3.50 / 5.00 "))
        #expect(text.contains("| RSS alice (before → after 10,000 → end) | | 10.0 MiB → 20.0 MiB → 21.0 MiB | |"))
        #expect(text.contains("| RSS bob (before → after 10,000 → end) | | ? → ? → ? | |"))
        #expect(text.contains("throughput per 10,000 delivered (msg/s): 10,000: 9,900, 20,000: 10,100"))
        #expect(MarkdownReport.count(1_234_567) == "1,234,567" && MarkdownReport.count(-1000) == "-1,000" && MarkdownReport.count(999) == "999")
    }
}
