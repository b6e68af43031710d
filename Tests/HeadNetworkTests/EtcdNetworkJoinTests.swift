import EtcdClient
import EtcdTesting
import Foundation
import HeadnetCore
import Testing

@testable import HeadNetwork

/// A node added to a running head as an etcd learner: its etcd joins as `existing`, its component
/// keeps retrying while the learner refuses its calls, and once promoted it delivers the history.
@Suite(.serialized) struct EtcdNetworkJoinTests {
    @Test func aLearnersComponentWaitsForItsPromotionThenDeliversTheHistory() async throws {
        try await TestNodes.with(count: 2) { nodes in
            try await nodes[0].network.broadcast(.text("before"))
            try await eventually("bob delivers") { nodes[1].messages == [.text("before")] }

            let port = try FreePortPairs.pick(1)[0]
            let host = Address(hostname: "127.0.0.1", port: port)
            let founders = nodes.nodes.map(\.advertise)
            var configuration = EtcdNetworkConfiguration(
                persistenceDirectory: nodes.root.appendingPathComponent("joiner"), listen: host, peers: founders, protocolVersion: 2,
                extraEtcdArguments: ["--heartbeat-interval", "50", "--election-timeout", "500"])
            configuration.founders = founders
            configuration.joinsExistingCluster = true
            let learnerID = try await nodes.withClient(0) { etcd in try await etcd.memberAdd(peerURLs: [host.httpURL], learner: true).member.id }
            let joiner = try TestNode(configuration)
            joiner.start()
            do {
                // While a learner, its etcd refuses the component's calls: it retries, it does not stop.
                try await eventually("the learner's refusal is retried", timeout: .seconds(20)) {
                    try joiner.checkRunning()
                    return joiner.traces.value.contains { entry in
                        switch entry {
                        case .broadcastFailed(let reason), .watchFailed(let reason): reason.contains("not supported for learner")
                        default: false
                        }
                    }
                }
                #expect(!joiner.network.status.connected)
                try joiner.checkRunning()

                try await eventually("promotion", timeout: .seconds(20)) {
                    do {
                        try await nodes.withClient(0) { etcd in try await etcd.memberPromote(id: learnerID) }
                        return true
                    } catch let error as EtcdError where error.message.contains("in sync") {
                        return false
                    }
                }
                try await eventually("the joiner delivers the history and connects", timeout: .seconds(20)) {
                    try joiner.checkRunning()
                    return joiner.messages == [.text("before")] && joiner.network.status.isReady
                }
                try await joiner.network.broadcast(.text("after"))
                try await eventually("alice delivers the joiner's message") { nodes[0].messages == [.text("before"), .text("after")] }
                let args = EtcdProcess(configuration: configuration).arguments
                #expect(args.firstIndex(of: "--initial-cluster-state").map { args[$0 + 1] } == "existing")
            } catch {
                try? await joiner.stop()
                throw error
            }
            try await joiner.stop()
        }
    }
}
