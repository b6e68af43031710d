import HeadnetCore
import HeadNetwork
import Testing

@testable import Health

/// Each pure check's ok, warn and fail, without etcd.
@Suite struct HealthCheckTests {
    @Test func theReportsVerdictIsItsWorstAndOnlyFailExitsOne() {
        #expect(HealthReport(results: []).verdict == .ok)
        let warn = CheckResult(check: "a", verdict: .warn, evidence: "")
        let fail = CheckResult(check: "b", verdict: .fail, evidence: "")
        #expect(HealthReport(results: [warn]).exitCode == 0)
        #expect(HealthReport(results: [warn, fail]).verdict == .fail && HealthReport(results: [warn, fail]).exitCode == 1)
    }

    @Test func compactionHorizon() {
        let horizon = CompactionHorizon(retention: 1000)
        let ok = horizon.check(node: "bob", delivered: 900, current: 1000, revisionsPerSecond: 10)
        #expect(ok.verdict == .ok && ok.evidence.contains("100 behind") && ok.evidence.contains("in 90 s"), "\(ok.evidence)")
        #expect(horizon.check(node: "bob", delivered: 400, current: 1000, revisionsPerSecond: nil).verdict == .warn)
        let fail = horizon.check(node: "bob", delivered: 10, current: 1500, revisionsPerSecond: 2)
        #expect(fail.verdict == .fail && fail.hint.contains("MessagesMissed"), "\(fail.hint)")
        #expect(horizon.check(node: "bob", delivered: 1000, current: 1000, revisionsPerSecond: 0).verdict == .ok)
    }

    @Test func leaderAndQuorum() {
        let healthy = [
            MemberStatus(name: "a", leader: 7, raftTerm: 2, raftIndex: 100),
            MemberStatus(name: "b", leader: 7, raftTerm: 2, raftIndex: 101),
            MemberStatus(name: "c", leader: 7, raftTerm: 2, raftIndex: 99),
        ]
        #expect(LeaderCheck.check(healthy).allSatisfy { $0.verdict == .ok })

        // One member down: it fails, quorum still holds.
        let oneDown = [healthy[0], healthy[1], .unreachable("c")]
        let results = LeaderCheck.check(oneDown)
        #expect(results.first { $0.subject == "c" }?.verdict == .fail)
        let leader = results.first { $0.check == "has leader" }
        #expect(leader?.verdict == .ok && leader?.evidence.contains("2/3 members answer, quorum 2; quorum holds") == true, "\(String(describing: leader))")

        // Two down: no leader, quorum lost.
        let lost = LeaderCheck.check([MemberStatus(name: "a", leader: 0, raftTerm: 3, raftIndex: 100), .unreachable("b"), .unreachable("c")])
        let noLeader = lost.first { $0.check == "has leader" }
        #expect(noLeader?.verdict == .fail && noLeader?.evidence.contains("quorum lost") == true)

        // Disagreement and a lagging member.
        let split = LeaderCheck.check([
            MemberStatus(name: "a", leader: 7, raftTerm: 2, raftIndex: 100),
            MemberStatus(name: "b", leader: 9, raftTerm: 2, raftIndex: 5000),
            MemberStatus(name: "c", leader: 7, raftTerm: 2, raftIndex: 100),
        ])
        #expect(split.first { $0.check == "leader agreed" }?.verdict == .fail)
        #expect(split.first { $0.check == "raft index spread" }?.verdict == .warn)
    }

    @Test func alarmsSizeAndFragmentation() {
        let quota: Int64 = 1000 << 20
        let fine = DatabaseCheck.check([MemberStatus(name: "a", leader: 1, raftTerm: 1, raftIndex: 1, dbSize: 100 << 20, dbSizeInUse: 90 << 20)], quota: quota)
        #expect(fine.allSatisfy { $0.verdict == .ok }, "\(fine)")
        let full = DatabaseCheck.check([MemberStatus(name: "a", leader: 1, raftTerm: 1, raftIndex: 1, alarms: ["NOSPACE"], dbSize: 990 << 20, dbSizeInUse: 200 << 20)], quota: quota)
        #expect(full.first { $0.check == "alarms" }?.verdict == .fail)
        #expect(full.first { $0.check == "db size" }?.verdict == .fail)
        #expect(full.first { $0.check == "fragmentation" }?.verdict == .warn)
        let filling = DatabaseCheck.check([MemberStatus(name: "a", leader: 1, raftTerm: 1, raftIndex: 1, dbSize: 850 << 20, dbSizeInUse: 800 << 20)], quota: quota)
        #expect(filling.first { $0.check == "db size" }?.verdict == .warn)
        let corrupt = DatabaseCheck.check([MemberStatus(name: "a", leader: 1, raftTerm: 1, raftIndex: 1, alarms: ["CORRUPT"])])
        #expect(corrupt.first { $0.check == "alarms" }?.hint.contains("corrupt") == true)
        #expect(DatabaseCheck.check([.unreachable("b")]).isEmpty)
    }

    @Test func versionKeyInEitherDialect() {
        let v1 = KeyLayoutCheck.version([0x01], expected: 1)
        #expect(v1.verdict == .ok && v1.evidence.contains("protocol 1") && v1.evidence.contains("Hydra 2.3.0"), "\(v1.evidence)")
        let v2 = KeyLayoutCheck.version(WireDialect.master.versionValue(2), expected: nil)
        #expect(v2.verdict == .ok && v2.evidence.contains("protocol 2"))
        #expect(KeyLayoutCheck.version(WireDialect.master.versionValue(2), expected: 1).verdict == .fail)
        #expect(KeyLayoutCheck.version([0xff], expected: nil).verdict == .fail)
        #expect(KeyLayoutCheck.version(nil, expected: nil).verdict == .warn)
        #expect(KeyLayoutCheck.version(nil, expected: 2).verdict == .fail)
    }

    @Test func aliveKeysNameTheMissingPeer() {
        let alice = Address(hostname: "127.0.0.1", port: 5001)
        let bob = Address(hostname: "127.0.0.1", port: 5002)
        let members = ["127.0.0.1:5001", "127.0.0.1:5002", "127.0.0.1:5003"]
        for dialect in [WireDialect.release, .master] {
            let keys = [(key: "alive-\(alice)", value: dialect.aliveValue(alice)), (key: "alive-\(bob)", value: dialect.aliveValue(bob))]
            let results = KeyLayoutCheck.alive(keys, members: members, dialect: dialect)
            #expect(results.count == 1 && results[0].verdict == .warn, "\(results)")
            #expect(results[0].evidence.contains("2 of 3 alive") && results[0].evidence.contains("missing 127.0.0.1:5003"))
            let all = KeyLayoutCheck.alive(keys, members: Array(members.prefix(2)), dialect: dialect)
            #expect(all.map(\.verdict) == [.ok])
        }
        // Only one of three alive: below quorum. A value in the other dialect is named.
        let lonely = KeyLayoutCheck.alive(
            [(key: "alive-\(alice)", value: WireDialect.master.aliveValue(alice)), (key: "alive-\(bob)", value: WireDialect.release.aliveValue(bob))],
            members: members, dialect: .master)
        #expect(lonely.first?.verdict == .fail)
        #expect(lonely.last?.check == "alive values" && lonely.last?.evidence.contains("other dialect") == true)
    }
}

extension HealthCheckTests {
    @Test func watchPrintsOnlyWhatChanged() {
        let before = HealthReport(results: [
            CheckResult(check: "reachable", subject: "bob", verdict: .ok, evidence: "answered"),
            CheckResult(check: "has leader", verdict: .ok, evidence: "3/3"),
            CheckResult(check: "queue depth", subject: "bob", verdict: .warn, evidence: "60 of 100"),
            CheckResult(check: "gone", verdict: .ok, evidence: ""),
        ])
        let after = HealthReport(results: [
            CheckResult(check: "reachable", subject: "bob", verdict: .fail, evidence: "no answer"),
            CheckResult(check: "has leader", verdict: .ok, evidence: "2/3"),
            CheckResult(check: "queue depth", subject: "bob", verdict: .warn, evidence: "80 of 100"),
            CheckResult(check: "new", verdict: .ok, evidence: "x"),
        ])
        #expect(ReportChanges.lines(from: before, to: after) == [
            "bob reachable: ok → FAIL (no answer)",
            "bob queue depth: WARN, now 80 of 100",
            "+ new: ok (x)",
            "- gone",
        ])
        #expect(ReportChanges.lines(from: after, to: after).isEmpty)
    }
}
