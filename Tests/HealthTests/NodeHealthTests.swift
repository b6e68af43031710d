import ClusterSpec
import Foundation
import HeadnetCore
import HeadNetwork
import NodeAPIModel
import Testing

@testable import Health

/// The node-level checks of `headnet health`, from readings made up here (no nodes, no etcd).
@Suite struct NodeHealthTests {
    let node = NodeSpec(name: "bob", listen: Address(host: "127.0.0.1", port: 5002))
    let horizon = CompactionHorizon(retention: 1000)

    func running(lastKnown: Int64 = 500, queueDepth: Int = 0, missed: Int = 0, ready: Bool = true, rate: Double? = nil) -> NodeHealth.Reading {
        var network = NetworkStatus()
        network.lastKnownRevision = lastKnown
        network.queueDepth = queueDepth
        network.etcd = EtcdFigures()
        network.etcd?.revisionsPerSecond = rate
        let document = NodeStatus(
            nodeID: node.name, cluster: nil, advertise: node.advertise.description, clientURL: "http://127.0.0.1:2380", network: network,
            delivered: 0, lastDelivered: nil, messagesMissed: missed)
        return NodeHealth.Reading(
            node: node, document: .success(document), readiness: ready ? (200, "ready") : (503, "not ready: not connected to a majority"))
    }

    func check(_ reading: NodeHealth.Reading, storedRevision: Int64? = nil, cluster: Int64 = 520,
               lastMessage: Int64 = 500, rate: Double? = nil) -> [String: CheckResult] {
        let results = NodeHealth.check(
            reading, storedRevision: storedRevision, clusterRevision: cluster, lastMessageRevision: lastMessage, revisionsPerSecond: rate,
            horizon: horizon, queueCapacity: 100)
        return Dictionary(results.map { ($0.check, $0) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func aHealthyNodeIsOkThroughout() {
        let results = check(running())
        #expect(results.values.allSatisfy { $0.verdict == .ok }, "\(results)")
        #expect(results["compaction horizon"]?.evidence.contains("caught up") == true)
    }

    @Test func aRunningNodeBehindTheNewestMessageLagsAgainstTheRetention() {
        // Delivered through 100; messages up to 900; the cluster at 1,300: 1,200 behind.
        let failing = check(running(lastKnown: 100), cluster: 1300, lastMessage: 900)["compaction horizon"]
        #expect(failing?.verdict == .fail)
        #expect(failing?.hint.contains("MessagesMissed") == true)
        let warning = check(running(lastKnown: 700), cluster: 1300, lastMessage: 900, rate: 10)["compaction horizon"]
        #expect(warning?.verdict == .warn)
        #expect(warning?.evidence.contains("misses messages in 40 s") == true, "\(String(describing: warning))")
    }

    @Test func queueDepthMissedMessagesAndReadiness() {
        #expect(check(running(queueDepth: 50))["queue depth"]?.verdict == .warn)
        #expect(check(running(queueDepth: 100))["queue depth"]?.verdict == .fail)
        #expect(check(running(missed: 2))["messages missed"]?.verdict == .fail)
        let notReady = check(running(ready: false))["node ready"]
        #expect(notReady?.verdict == .fail && notReady?.evidence.contains("not connected") == true)
    }

    @Test func aStoppedNodeHasTheTimeLeftAtTheRunningNodesRate() throws {
        let down = NodeHealth.Reading(node: node, document: .failure(.init(.down, "bob is not running")))
        let rate = NodeHealth.writeRate([running(rate: 2.5), running(rate: 5), down])
        #expect(rate == 5)
        let results = check(down, storedRevision: 400, cluster: 1000, rate: rate)
        #expect(results["node API"]?.verdict == .fail)
        let horizonCheck = try #require(results["compaction horizon"])
        #expect(horizonCheck.verdict == .warn)
        #expect(horizonCheck.evidence.contains("600 behind") && horizonCheck.evidence.contains("misses messages in 80 s"), "\(horizonCheck)")
    }

    @Test func anotherClusterOnTheNodesPortsIsNoLagQuestion() {
        let other = NodeHealth.Reading(node: node, document: .failure(.init(.wrongCluster, "another cluster answers")))
        let results = check(other)
        #expect(results["node API"]?.hint.contains("another cluster") == true)
        #expect(results["compaction horizon"] == nil)
    }
}
