import EtcdTesting
import Foundation
import Testing

@testable import EtcdClient

/// KV, watch and PING-survival tests against a real single etcd member.
@Suite(.serialized) struct EtcdClientKVTests {
    @Test func fiveThousandSequentialPutsSurviveEtcdPings() async throws {
        try await EtcdCluster.withCluster(members: 1) { cluster in
            try await EtcdClient.withClient(.init(endpoints: cluster.endpoints)) { etcd in
                var last: Int64 = 0
                for i in 0..<5_000 {
                    let result = try await etcd.put("seq/\(i % 50)", "value-\(i)")
                    #expect(result.header.revision > last)
                    last = result.header.revision
                }
                let count = try await etcd.range(.prefix("seq/"), EtcdRangeOptions(countOnly: true)).count
                #expect(count == 50)
                #expect(try await etcd.get("seq/49")?.valueString == "value-4999")
            }
        }
    }

    @Test func twoHundredConcurrentPuts() async throws {
        try await EtcdCluster.withCluster(members: 1) { cluster in
            try await EtcdClient.withClient(.init(endpoints: cluster.endpoints)) { etcd in
                let revisions = try await withThrowingTaskGroup(of: Int64.self) { group in
                    for i in 0..<200 {
                        group.addTask { try await etcd.put("par/\(i)", "\(i)").header.revision }
                    }
                    return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
                }
                #expect(revisions.count == 200)
                let all = try await etcd.range(.prefix("par/"))
                #expect(all.kvs.count == 200)
                #expect(Set(all.kvs.map(\.valueString)) == Set((0..<200).map(String.init)))
            }
        }
    }

    @Test func getDeleteAndTxnGuardedByModRevision() async throws {
        try await EtcdCluster.withCluster(members: 1) { cluster in
            try await EtcdClient.withClient(.init(endpoints: cluster.endpoints)) { etcd in
                #expect(try await etcd.get("k") == nil)
                let first = try await etcd.put("k", "v1")
                let kv = try #require(try await etcd.get("k"))
                #expect(kv.modRevision == first.header.revision)
                #expect(kv.version == 1)

                // Compare-and-swap on the mod revision: only the first writer wins.
                let win = try await etcd.txn(
                    compare: [EtcdCompare(key: "k", .modRevision(kv.modRevision), .equal)],
                    success: [.put("k", "v2")], failure: [.get("k")])
                #expect(win.succeeded)
                let lose = try await etcd.txn(
                    compare: [EtcdCompare(key: "k", .modRevision(kv.modRevision), .equal)],
                    success: [.put("k", "v3")], failure: [.get("k")])
                #expect(!lose.succeeded)
                #expect(lose.responses.first?.rangeResult?.kvs.first?.valueString == "v2")

                let deleted = try await etcd.delete(.key("k"), previous: true)
                #expect(deleted.deleted == 1)
                #expect(deleted.previous.first?.valueString == "v2")
                #expect(try await etcd.get("k") == nil)
                // etcdctl sees the same store.
                _ = try await etcd.put("shared", "from-swift")
                #expect(try await cluster.etcdctl(["get", "shared", "--print-value-only"]).output.contains("from-swift"))
            }
        }
    }

    @Test func watchFromRevisionDeliversEveryLaterPutInOrder() async throws {
        try await EtcdCluster.withCluster(members: 1) { cluster in
            try await EtcdClient.withClient(.init(endpoints: cluster.endpoints)) { etcd in
                _ = try await etcd.put("other", "x")
                let start = try await etcd.put("w/0", "0").header.revision
                for i in 1..<100 { try await etcd.put("w/\(i)", "\(i)") }
                _ = try await etcd.put("other", "y")  // outside the prefix

                var seen: [(Int64, String)] = []
                for try await response in etcd.watch(prefix: "w/", startRevision: start) {
                    for event in response.events {
                        #expect(event.kind == .put)
                        seen.append((event.kv.modRevision, event.kv.valueString))
                    }
                    if seen.count >= 150 { break }
                    if seen.count == 100 {
                        // Live events after the backlog.
                        for i in 100..<150 { try await etcd.put("w/\(i)", "\(i)") }
                    }
                }
                #expect(seen.map(\.1) == (0..<150).map(String.init))
                #expect(seen.first?.0 == start)
                #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.0 < $1.0 })
            }
        }
    }

    @Test func watchFromCompactedRevisionFailsWithCompactRevision() async throws {
        try await EtcdCluster.withCluster(members: 1) { cluster in
            try await EtcdClient.withClient(.init(endpoints: cluster.endpoints)) { etcd in
                let first = try await etcd.put("c/a", "1").header.revision
                for i in 0..<10 { try await etcd.put("c/\(i)", "\(i)") }
                let compactAt = try await etcd.put("c/z", "z").header.revision
                try await etcd.compact(revision: compactAt, physical: true)

                do {
                    for try await _ in etcd.watch(prefix: "c/", startRevision: first) {
                        Issue.record("a watch from a compacted revision must not deliver events")
                    }
                    Issue.record("the watch ended without an error")
                } catch let error as EtcdError {
                    #expect(error.code == .compacted)
                    #expect(error.compactRevision == compactAt)
                }
                // A range read at a compacted revision fails the same way.
                await #expect(throws: EtcdError.self) {
                    try await etcd.range(.prefix("c/"), EtcdRangeOptions(revision: first))
                }
            }
        }
    }

    @Test func bigValuesAndRangesAboveFourMebibytes() async throws {
        try await EtcdCluster.withCluster(members: 1) { cluster in
            try await EtcdClient.withClient(.init(endpoints: cluster.endpoints)) { etcd in
                let value = [UInt8](repeating: 0x5a, count: 1_000_000)
                for i in 0..<6 { try await etcd.put(key: Array("big/\(i)".utf8), value: value) }
                let all = try await etcd.range(.prefix("big/"))
                #expect(all.kvs.count == 6)
                #expect(all.kvs.allSatisfy { $0.value == value })
            }
        }
    }
}
