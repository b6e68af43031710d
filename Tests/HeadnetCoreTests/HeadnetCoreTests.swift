import HeadnetCore
import Testing

/// The decisions with one owner, as Hydra and etcd make them.
@Suite struct HeadnetCoreTests {
    @Test func portsFollowHydrasArithmetic() {
        #expect(HydraPorts.clientPort(listen: 5001) == 2379 && HydraPorts.apiPort(listen: 5001) == 4001)
        #expect(HydraPorts.clientPort(listen: 5003) == 2381 && HydraPorts.apiPort(listen: 5003) == 4003)
        #expect(HydraPorts.lowestListenPort == 2622 && HydraPorts.clientPort(listen: HydraPorts.lowestListenPort) == 0)
        #expect(HydraPorts.clientRule == "etcd client port = 2379 + listen port − 5001")
    }

    @Test func quorumIsAMajority() {
        #expect([1, 2, 3, 4, 5, 6, 7].map(Quorum.of) == [1, 2, 2, 3, 3, 4, 4])
    }

    @Test func theStateFilesARestoreRemovesAreTheDataOnes() {
        #expect(Set(NodeStateFiles.dataState) == ["last-known-revision", "delivered.ndjson", "pending-broadcast", "broadcast-in-flight", "idempotency-keys"])
    }
}
