import EtcdClient
import Foundation
import HeadnetCore
import Testing

@testable import HeadNetwork

/// The data directory stays where it is while members come and go, and a node added later
/// joins as `existing`; without founders everything is as in Hydra.
@Suite struct EtcdDataDirectoryTests {
    let alice = Address(hostname: "127.0.0.1", port: 5001)
    let bob = Address(hostname: "127.0.0.1", port: 5002)
    let carol = Address(hostname: "127.0.0.1", port: 5003)
    let dave = Address(hostname: "127.0.0.1", port: 5004)

    func configuration(_ me: Address, peers: [Address], founders: [Address]? = nil, joins: Bool = false) -> EtcdNetworkConfiguration {
        var configuration = EtcdNetworkConfiguration(
            persistenceDirectory: URL(fileURLWithPath: "/nonexistent/state/\(me.port)"), listen: me, peers: peers, protocolVersion: 2)
        configuration.founders = founders
        configuration.joinsExistingCluster = joins
        return configuration
    }

    func value(_ flag: String, _ process: EtcdProcess) -> String? {
        process.arguments.firstIndex(of: flag).map { process.arguments[$0 + 1] }
    }

    @Test func withoutFoundersTheInitialClusterNamesTheDataDirectoryAsInHydra() {
        let process = EtcdProcess(configuration: configuration(bob, peers: [alice, carol]))
        #expect(process.dataDirectoryCluster == process.initialCluster)
        #expect(process.initialCluster == "127.0.0.1:5002=http://127.0.0.1:5002,127.0.0.1:5001=http://127.0.0.1:5001,127.0.0.1:5003=http://127.0.0.1:5003")
        #expect(value("--initial-cluster-state", process) == "new")
    }

    @Test func aFounderKeepsItsDataDirectoryWhenAMemberIsAddedOrRemoved() {
        let before = EtcdProcess(configuration: configuration(bob, peers: [alice, carol]))
        let grown = EtcdProcess(configuration: configuration(bob, peers: [alice, carol, dave], founders: [alice, bob, carol]))
        let shrunk = EtcdProcess(configuration: configuration(bob, peers: [carol], founders: [alice, bob, carol]))
        #expect(grown.dataDirectory == before.dataDirectory)
        #expect(shrunk.dataDirectory == before.dataDirectory)
        #expect(value("--initial-cluster", grown)?.contains("127.0.0.1:5004=http://127.0.0.1:5004") == true, "the flag lists the current members")
        #expect(value("--initial-cluster-state", grown) == "new", "a founder on an empty data directory bootstraps")
        // What Hydra would do: a changed peer list is a new data directory.
        #expect(EtcdProcess(configuration: configuration(bob, peers: [alice, carol, dave])).dataDirectory != before.dataDirectory)
    }

    @Test func aNodeAddedLaterJoinsAsExistingWithEveryMemberInItsInitialCluster() {
        let process = EtcdProcess(configuration: configuration(dave, peers: [alice, bob, carol], founders: [alice, bob, carol], joins: true))
        #expect(value("--initial-cluster-state", process) == "existing")
        #expect(value("--initial-cluster", process)
            == "127.0.0.1:5004=http://127.0.0.1:5004,127.0.0.1:5001=http://127.0.0.1:5001,127.0.0.1:5002=http://127.0.0.1:5002,127.0.0.1:5003=http://127.0.0.1:5003")
        #expect(process.dataDirectoryCluster == process.initialCluster)
        // Its directory does not move when another member goes.
        let later = EtcdProcess(configuration: configuration(dave, peers: [bob, carol], founders: [alice, bob, carol], joins: true))
        #expect(later.dataDirectory == process.dataDirectory)
    }

    @Test func aLearnerRefusingACallIsRetried() {
        let refused = EtcdError(code: .learner, message: "etcdserver: rpc not supported for learner")
        #expect(EtcdNetwork<TestMessageCodec>.retryable(refused) != nil)
        #expect(refused.isTransient)
        #expect(EtcdNetwork<TestMessageCodec>.retryable(EtcdError(code: .membership, message: "member not found")) == nil)
    }
}
