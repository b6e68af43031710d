import EtcdClient
import EtcdTesting
import Testing

@testable import Drills

/// A drill's etcd operations against real etcd members.
@Suite(.serialized) struct ClusterEtcdTests {
    @Test func compactionLeaseRevocationAndHashesOnThreeMembers() async throws {
        try await EtcdCluster.withCluster(members: 3) { cluster in
            try await EtcdClient.withClient(.init(endpoints: [cluster.endpoint(0)])) { etcd in
                for index in 1...5 { try await etcd.put("msg-\(index)", "payload \(index)") }
                let lease = try await etcd.grantLease(ttl: 30)
                try await etcd.put("alive-127.0.0.1:5002", "", lease: lease.id)
                #expect(try await ClusterEtcd.revokeAliveLease(of: "127.0.0.1:5002", etcd) == lease.id)
                #expect(try await etcd.get("alive-127.0.0.1:5002") == nil, "the key went with its lease")
                #expect(try await ClusterEtcd.revokeAliveLease(of: "127.0.0.1:5002", etcd) == nil)

                let compacted = try await ClusterEtcd.compactToCurrentRevision(etcd)
                #expect(compacted == (try await ClusterEtcd.revision(etcd)))
                await #expect(throws: EtcdError.self, "older revisions are gone") {
                    _ = try await etcd.range(.prefix("msg-"), EtcdRangeOptions(revision: compacted - 1))
                }
                try await etcd.put("msg-6", "after the compaction")  // HashKV wants a revision above it
            }
            let revision = try await EtcdClient.withClient(.init(endpoints: [cluster.endpoint(0)])) { try await ClusterEtcd.revision($0) }
            var hashes: [ClusterEtcd.MemberHash] = []
            for member in cluster.endpoints.indices {
                try await eventually("member \(member) applied revision \(revision)", timeout: .seconds(10)) {
                    try await EtcdClient.withClient(.init(endpoints: [cluster.endpoint(member)])) { try await ClusterEtcd.revision($0) } >= revision
                }
                let hash = try await EtcdClient.withClient(.init(endpoints: [cluster.endpoint(member)])) { try await ClusterEtcd.hash(at: revision, $0) }
                hashes.append(.init(node: "m\(member)", hash: hash))
            }
            #expect(ClusterEtcd.disagreement(hashes) == nil, "\(hashes)")
        }
    }

    @Test func aDisagreementNamesTheMembers() {
        #expect(ClusterEtcd.disagreement([.init(node: "a", hash: 0xab), .init(node: "b", hash: 0xab)]) == nil)
        #expect(ClusterEtcd.disagreement([.init(node: "a", hash: 0xab), .init(node: "b", hash: 0xcd)]) == "the members' HashKV differ: a ab, b cd")
        #expect(ClusterEtcd.disagreement([.init(node: "a", hash: 0xab), .init(node: "b", error: "deadline exceeded")])
            == "HashKV got no answer from b (deadline exceeded)")
    }
}
