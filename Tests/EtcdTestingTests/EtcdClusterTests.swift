import EtcdClient
import Foundation
import Processes
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
            let put = try await cluster.etcdctl(["put", "a", "1"])
            #expect(put.status.isSuccess)
            let get = try await cluster.etcdctl(["get", "a", "--print-value-only"])
            #expect(get.output.contains("1"))
            #expect(cluster.logs(0).contains(where: EtcdServerLog.isReady))
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
            let list = try await cluster.etcdctl(["member", "list"])
            #expect(list.status.isSuccess)
            #expect(list.output.split(separator: "\n").count == 3)

            let pid = cluster.members[0].pid
            try await cluster.kill(0)
            #expect(!cluster.isRunning(0))
            #expect(processGone(pid))
            let others = [cluster.endpoint(1), cluster.endpoint(2)]
            // Right after the kill a new leader may still be in election: retry for a bounded time.
            try await eventually("a put on the two others", timeout: .seconds(10)) {
                try await cluster.etcdctl(["put", "while-down", "yes"], endpoints: others).status.isSuccess
            }

            try await cluster.restart(0)
            #expect(cluster.isRunning(0))
            let read = try await cluster.etcdctl(["get", "while-down", "--print-value-only"], endpoints: [cluster.endpoint(0)])
            #expect(read.output.contains("yes"))
        }
    }

    @Test func pausedMemberAnswersNothingUntilResumed() async throws {
        try await EtcdCluster.withCluster(members: 1) { cluster in
            cluster.pause(0)
            let frozen = try await cluster.etcdctl(["get", "x", "--command-timeout=1s"])
            #expect(frozen.status.isSuccess == false)
            cluster.resume(0)
            let thawed = try await cluster.etcdctl(["put", "x", "1", "--command-timeout=5s"])
            #expect(thawed.status.isSuccess, "\(thawed.output)")
        }
    }

    @Test func gracefulStopExitsAndKeepsData() async throws {
        try await EtcdCluster.withCluster(members: 1) { cluster in
            #expect(try await cluster.etcdctl(["put", "kept", "1"]).status.isSuccess)
            try await cluster.stop(0)
            #expect(!cluster.isRunning(0))
            try await cluster.restart(0)
            #expect(try await cluster.etcdctl(["get", "kept", "--print-value-only"]).output.contains("1"))
        }
    }
}
