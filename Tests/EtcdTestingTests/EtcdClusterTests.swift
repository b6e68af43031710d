import Foundation
import Testing

@testable import EtcdTesting

#if canImport(Glibc)
import Glibc
#endif

/// The harness itself, checked with etcdctl against real etcd.
@Suite(.serialized) struct EtcdClusterTests {
    private func processGone(_ pid: Int32?) -> Bool {
        guard let pid else { return true }
        return Glibc.kill(pid, 0) == -1 && errno == ESRCH
    }

    @Test func singleMemberServesAndCleansUp() async throws {
        var pids: [Int32?] = []
        var root: URL?
        try await EtcdCluster.withCluster(members: 1) { cluster in
            pids = cluster.members.map(\.pid)
            root = cluster.root
            let put = try cluster.etcdctl(["put", "a", "1"])
            #expect(put.status == 0)
            let get = try cluster.etcdctl(["get", "a", "--print-value-only"])
            #expect(get.output.contains("1"))
            #expect(cluster.logs(0).contains(where: EtcdMemberProcess.isReadyLine))
        }
        #expect(pids.allSatisfy(processGone))
        #expect(!FileManager.default.fileExists(atPath: try #require(root).path))
    }

    @Test func cleansUpWhenTheBodyThrows() async throws {
        struct Boom: Error {}
        var pids: [Int32?] = []
        var root: URL?
        await #expect(throws: Boom.self) {
            try await EtcdCluster.withCluster(members: 1) { cluster in
                pids = cluster.members.map(\.pid)
                root = cluster.root
                throw Boom()
            }
        }
        #expect(!pids.isEmpty)
        #expect(pids.allSatisfy(processGone))
        #expect(!FileManager.default.fileExists(atPath: try #require(root).path))
    }

    @Test func threeMembersSurviveKillAndRestart() async throws {
        try await EtcdCluster.withCluster(members: 3) { cluster in
            let list = try cluster.etcdctl(["member", "list"])
            #expect(list.status == 0)
            #expect(list.output.split(separator: "\n").count == 3)

            let pid = cluster.members[0].pid
            try await cluster.kill(0)
            #expect(!cluster.isRunning(0))
            #expect(processGone(pid))
            let others = [cluster.endpoint(1), cluster.endpoint(2)]
            // Right after the kill a new leader may still be in election: retry for a bounded time.
            var put = try cluster.etcdctl(["put", "while-down", "yes"], endpoints: others)
            let deadline = ContinuousClock.now.advanced(by: .seconds(10))
            while put.status != 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                put = try cluster.etcdctl(["put", "while-down", "yes"], endpoints: others)
            }
            #expect(put.status == 0, "\(put.output)")

            try await cluster.restart(0)
            #expect(cluster.isRunning(0))
            let read = try cluster.etcdctl(["get", "while-down", "--print-value-only"], endpoints: [cluster.endpoint(0)])
            #expect(read.output.contains("yes"))
        }
    }

    @Test func pausedMemberAnswersNothingUntilResumed() async throws {
        try await EtcdCluster.withCluster(members: 1) { cluster in
            cluster.pause(0)
            let frozen = try cluster.etcdctl(["get", "x", "--command-timeout=1s"])
            #expect(frozen.status != 0)
            cluster.resume(0)
            let thawed = try cluster.etcdctl(["put", "x", "1", "--command-timeout=5s"])
            #expect(thawed.status == 0, "\(thawed.output)")
        }
    }

    @Test func gracefulStopExitsAndKeepsData() async throws {
        try await EtcdCluster.withCluster(members: 1) { cluster in
            #expect(try cluster.etcdctl(["put", "kept", "1"]).status == 0)
            try await cluster.stop(0)
            #expect(!cluster.isRunning(0))
            try await cluster.restart(0)
            #expect(try cluster.etcdctl(["get", "kept", "--print-value-only"]).output.contains("1"))
        }
    }
}
