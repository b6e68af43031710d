import Testing

@testable import Drills

/// Recovery times, the verdict and the table, from values.
@Suite struct DrillReportTests {
    @Test func recoveryEndsWhenEveryNodeHasEverythingAcceptedBeforeTheFaultEndedAndHealthPasses() {
        var timeline = TimelinePlotTests.timeline
        #expect(timeline.recoveries == [6.0], "bob has the 300 messages accepted by 15 s at 16 s")
        timeline.health = [.init(at: 12, passed: false, failing: ["members bob: down"]), .init(at: 15.5, passed: false), .init(at: 18, passed: true)]
        #expect(timeline.recoveries == [8.0], "health passes again at 18 s")
        #expect(timeline.recoveryDetails == [.init(fault: "kill follower (bob)", delivering: 6, healthy: 8, healthChecked: true)])
        timeline.health = [.init(at: 15.5, passed: true)]
        #expect(timeline.recoveries == [6.0], "health passed first, at 15.5 s; bob delivered at 16 s")
        timeline.samples.removeLast(timeline.samples.count - 30)
        #expect(timeline.recoveries == [nil], "the run ended at 14.5 s")
    }

    func report() -> DrillReport {
        var report = DrillReport(drill: "kill-follower", seed: 42, nodes: ["alice", "bob", "carol"])
        report.timeline = TimelinePlotTests.timeline
        report.steps = [
            .init(path: "steps[0]", kind: "kill", nodes: ["bob"], start: 10, end: 10.1, ok: true, message: "SIGKILL to bob's node (pid 4242)"),
            .init(path: "steps[1]", kind: "start", nodes: ["bob"], start: 15, end: 15.8, ok: true, message: "bob is ready"),
        ]
        report.invariants.accepted = 600
        report.invariants.nodes = ["alice", "bob", "carol"].map { name in
            var node = InvariantReport.Node(node: name)
            node.delivered = 600
            return node
        }
        report.hashes = ["alice", "bob", "carol"].map { .init(node: $0, hash: 0xbeef) }
        report.hashRevision = 640
        return report
    }

    @Test func aCleanRunPassesAndItsTableSaysSo() {
        var report = report()
        var expectations = Drill.Expectations()
        expectations.recoveredWithin = 10
        report.judge(expectations)
        #expect(report.passed, "\(report.failures)")
        let table = report.table
        #expect(table.contains("     10.0s  kill bob                 ✓ SIGKILL to bob's node (pid 4242)"), "\(table)")
        #expect(table.contains("  bob             600     0       0    0      0       0"), "\(table)")
        #expect(table.contains("etcd HashKV at revision 640: equal on 3 members (beef)"))
        #expect(table.contains("  kill follower (bob)                6.0 s"))
        #expect(table.hasSuffix("PASSED"))
    }

    @Test func aFailedStepDifferentHashesOrASlowRecoveryFailTheDrill() {
        var report = report()
        report.steps[1].ok = false
        report.steps[1].message = "bob not ready after 60 s"
        report.hashes[2].hash = 0xdead
        var expectations = Drill.Expectations()
        expectations.recoveredWithin = 5
        report.judge(expectations)
        #expect(report.failures == [
            "steps[1] (start) failed: bob not ready after 60 s",
            "the members' HashKV differ: alice beef, bob beef, carol dead",
            "kill follower (bob): recovered after 6.0 s, over the 5.0 s allowed",
        ])
        #expect(report.table.contains("FAILED\n  ✗ steps[1] (start) failed"))
    }
}
