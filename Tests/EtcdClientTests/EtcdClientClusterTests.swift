import EtcdTesting
import Foundation
import Testing

@testable import EtcdClient

/// Failover, leases, membership and maintenance against real etcd.
@Suite(.serialized) struct EtcdClientClusterTests {
    /// The member the client talks to is the first endpoint; the test makes it the leader (the
    /// hard case: the followers must elect a new leader first) or a follower.
    @Test(arguments: [true, false])
    func killingTheMemberInUseFailsOverWithinFiveSeconds(killLeader: Bool) async throws {
        try await EtcdCluster.withCluster(members: 3) { cluster in
            let leader = try await EtcdClient.withClient(.init(endpoints: cluster.endpoints)) { etcd in
                try await etcd.status(endpoint: 0).leader
            }
            var order = try await EtcdClient.withClient(.init(endpoints: cluster.endpoints)) { etcd in
                var isLeader: [Bool] = []
                for index in cluster.endpoints.indices {
                    isLeader.append(try await etcd.status(endpoint: index).header.memberID == leader)
                }
                return isLeader
            }.enumerated().map { ($0.offset, $0.element) }
            order.sort { a, b in a.1 == killLeader && b.1 != killLeader }
            let endpoints = order.map { cluster.endpoint($0.0) }
            try await EtcdClient.withClient(.init(endpoints: endpoints)) { etcd in
                try await etcd.put("before", "kill")
                #expect(etcd.preferredEndpoint == etcd.endpoints[0])
                let used = try #require(cluster.endpoints.firstIndex(of: endpoints[0]))
                try await cluster.kill(used)

                let clock = ContinuousClock()
                let started = clock.now
                let result = try await etcd.put("after", "kill")
                let elapsed = started.duration(to: clock.now)
                #expect(elapsed < .seconds(5), "failover took \(elapsed)")
                #expect(etcd.preferredEndpoint != etcd.endpoints[0])
                #expect(result.header.revision > 0)
                #expect(try await etcd.get("before")?.valueString == "kill")
            }
        }
    }

    @Test func keepAliveHoldsAThreeSecondLeaseForTenSecondsAndRevokeDeletesTheKey() async throws {
        try await EtcdCluster.withCluster(members: 1) { cluster in
            try await EtcdClient.withClient(.init(endpoints: cluster.endpoints)) { etcd in
                let lease = try await etcd.grantLease(ttl: 3)
                #expect(lease.ttl == 3)
                try await etcd.put("alive-test", "1", lease: lease.id)

                let clock = ContinuousClock()
                let end = clock.now.advanced(by: .seconds(10))
                var answers = 0
                for try await answer in etcd.keepAlive(lease: lease.id, every: .seconds(1)) {
                    #expect(answer.id == lease.id)
                    #expect(answer.ttl > 0)
                    answers += 1
                    if clock.now >= end { break }
                }
                #expect(answers >= 9)
                let remaining = try await etcd.leaseTimeToLive(lease.id, keys: true)
                #expect(remaining.ttl > 0)
                #expect(remaining.grantedTTL == 3)
                #expect(remaining.keys == [Array("alive-test".utf8)])
                #expect(try await etcd.get("alive-test") != nil)
                #expect(try await etcd.leases().contains(lease.id))

                try await etcd.revokeLease(lease.id)
                #expect(try await etcd.get("alive-test") == nil)
                #expect(try await etcd.leaseTimeToLive(lease.id).ttl == -1)
                let after = try await etcd.keepAliveOnce(lease: lease.id)
                #expect(after.ttl <= 0)
            }
        }
    }

    @Test func keepAliveStreamEndsWhenTheLeaseIsRevoked() async throws {
        try await EtcdCluster.withCluster(members: 1) { cluster in
            try await EtcdClient.withClient(.init(endpoints: cluster.endpoints)) { etcd in
                let lease = try await etcd.grantLease(ttl: 5)
                do {
                    var revoked = false
                    for try await _ in etcd.keepAlive(lease: lease.id, every: .milliseconds(200)) where !revoked {
                        try await etcd.revokeLease(lease.id)
                        revoked = true
                    }
                    Issue.record("the keepalive stream should end with an error")
                } catch let error as EtcdError {
                    #expect(error.code == .leaseNotFound)
                }
            }
        }
    }

    @Test func memberListAddLearnerAndRemove() async throws {
        try await EtcdCluster.withCluster(members: 3) { cluster in
            try await EtcdClient.withClient(.init(endpoints: cluster.endpoints)) { etcd in
                let (_, members) = try await etcd.memberList()
                #expect(members.count == 3)
                #expect(Set(members.map(\.name)) == Set(cluster.members.map(\.name)))
                #expect(members.allSatisfy { !$0.isLearner && !$0.clientURLs.isEmpty })

                // Right after start etcd refuses membership changes ("unhealthy cluster") until
                // the peers have been connected for 5 s; the client retries that.
                let added = try await etcd.memberAdd(peerURLs: ["http://127.0.0.1:1"], learner: true)
                #expect(added.member.isLearner)
                #expect(added.members.count == 4)
                // A learner that never started cannot be promoted.
                do {
                    try await etcd.memberPromote(id: added.member.id)
                    Issue.record("promoting a learner that never started must fail")
                } catch let error as EtcdError {
                    #expect(error.code == .membership)
                    #expect(error.message.contains("in sync"))
                }

                let remaining = try await etcd.memberRemove(id: added.member.id)
                #expect(remaining.count == 3)
                #expect(try await etcd.memberList().members.map(\.id).contains(added.member.id) == false)
            }
        }
    }

    @Test func statusAlarmsDefragAndSnapshot() async throws {
        try await EtcdCluster.withCluster(members: 3) { cluster in
            try await EtcdClient.withClient(.init(endpoints: cluster.endpoints)) { etcd in
                try await etcd.put("snap", "shot")
                var leaders = Set<UInt64>()
                var memberIDs = Set<UInt64>()
                for index in cluster.endpoints.indices {
                    let status = try await etcd.status(endpoint: index)
                    #expect(status.version.hasPrefix("3.4"))
                    #expect(status.dbSize > 0)
                    leaders.insert(status.leader)
                    memberIDs.insert(status.header.memberID)
                }
                #expect(leaders.count == 1, "every member names the same leader")
                #expect(memberIDs.isSuperset(of: leaders))
                #expect(try await etcd.alarms().isEmpty)

                try await etcd.defragment(endpoint: 1)
                let hashes = try await withThrowingTaskGroup(of: UInt32.self) { group in
                    let revision = try await etcd.put("hash", "point").header.revision
                    for index in cluster.endpoints.indices {
                        group.addTask {
                            // A follower may not have applied the put yet: the revision is then
                            // "a future revision" there for a moment.
                            var hash: UInt32?
                            try await eventually("member \(index) applied revision \(revision)") {
                                do {
                                    hash = try await etcd.hashKV(endpoint: index, revision: revision).hash
                                    return true
                                } catch let error as EtcdError where error.code == .futureRevision {
                                    return false
                                }
                            }
                            return try #require(hash)
                        }
                    }
                    return try await group.reduce(into: Set<UInt32>()) { $0.insert($1) }
                }
                #expect(hashes.count == 1, "members agree on the store's hash")

                let dir = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-snap-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: dir) }
                let file = dir.appendingPathComponent("etcd.db").path
                let size = try await etcd.snapshot(to: file, endpoint: 0)
                #expect(size > 0)
                #expect(!FileManager.default.fileExists(atPath: file + ".part"))
                // etcdctl verifies the snapshot's integrity hash.
                let check = try await cluster.etcdctl(["snapshot", "status", file, "-w", "json"])
                #expect(check.status.isSuccess, "\(check.output)")
            }
        }
    }

    @Test func watchResumesOnAnotherMemberWhenItsMemberDies() async throws {
        try await EtcdCluster.withCluster(members: 3) { cluster in
            try await EtcdClient.withClient(.init(endpoints: cluster.endpoints)) { etcd in
                let start = try await etcd.put("r/0", "0").header.revision
                var seen: [String] = []
                var killed = false
                for try await response in etcd.watch(prefix: "r/", startRevision: start) {
                    seen += response.events.map(\.kv.valueString)
                    if !killed, seen.count == 1 {
                        killed = true
                        let used = try #require(etcd.index(of: etcd.preferredEndpoint.description))
                        try await cluster.kill(used)
                        for i in 1..<20 { try await etcd.put("r/\(i)", "\(i)") }
                    }
                    if seen.count >= 20 { break }
                }
                #expect(seen == (0..<20).map(String.init))
            }
        }
    }
}
