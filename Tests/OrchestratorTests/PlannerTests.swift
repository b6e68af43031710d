import Processes
import ClusterSpec
import Testing

@testable import Orchestrator

/// Plans are values: checked without processes, etcd or files.
@Suite struct PlannerTests {
    func observe(_ nodes: [(String, PIDFile.State)], leader: String? = nil, certificates: Bool = true) -> ClusterObservation {
        ClusterObservation(nodes: nodes.map { .init(name: $0.0, process: $0.1) }, leader: leader, certificatesPresent: certificates)
    }

    @Test func downStopsTheFollowersTogetherAndTheLeaderLast() {
        let plan = DownPlanner.plan(observe([("alice", .running(11)), ("bob", .running(12)), ("carol", .running(13))], leader: "alice"))
        #expect(plan.stages == [
            Plan.Stage([.stop(node: "bob", pid: 12), .stop(node: "carol", pid: 13)], concurrent: true),
            Plan.Stage([.stop(node: "alice", pid: 11, leader: true)]),
        ])
        #expect(plan.steps.last == .stop(node: "alice", pid: 11, leader: true))
    }

    @Test func downWithoutAKnownLeaderStopsEveryoneTogetherAndPurgesLast() {
        let plan = DownPlanner.plan(observe([("alice", .running(11)), ("bob", .stale(99)), ("carol", .none)]), purge: true)
        #expect(plan.stages == [
            Plan.Stage([.stop(node: "alice", pid: 11), .removeStalePIDFile(node: "bob", pid: 99), .notRunning(node: "carol")], concurrent: true),
            Plan.Stage([.purgeState]),
        ])
    }

    @Test func aPurgeForgetsTheFoundersLastAndOnlyAPurgeDoes() {
        let founders = SpecEditor.Edit(text: "nodes: []\n", inPlace: true)
        let observation = observe([("alice", .none)])
        let purged = DownPlanner.plan(observation, purge: true, forgettingFounders: founders)
        #expect(Array(purged.steps.suffix(2)) == [Step.purgeState, .forgetFounders(text: "nodes: []\n", inPlace: true)])
        #expect(!DownPlanner.plan(observation, forgettingFounders: founders).steps.contains { $0.kind == "forget-founders" })
    }

    @Test func upOnAClusterWithOneNodeDownStartsOnlyThatNode() {
        let plan = UpPlanner.plan(observe([("alice", .running(11)), ("bob", .none), ("carol", .running(13))]), timeoutSeconds: 30)
        #expect(plan.steps.filter { if case .start = $0 { true } else { false } } == [.start(node: "bob")])
        #expect(plan.stages == [
            Plan.Stage([.keep(node: "alice", pid: 11), .keep(node: "carol", pid: 13)]),
            Plan.Stage([.checkPorts(node: "bob")]),
            Plan.Stage([.start(node: "bob")]),
            Plan.Stage(["alice", "bob", "carol"].map { .waitReady(node: $0, timeoutSeconds: 30) }, concurrent: true),
        ])
        #expect(plan.changesSomething)
    }

    @Test func upOnAFreshTLSClusterChecksEveryPortBeforeCertificatesAndStarts() {
        let plan = UpPlanner.plan(observe([("alice", .none), ("bob", .stale(77))], certificates: false))
        #expect(plan.stages.map(\.steps) == [
            [.removeStalePIDFile(node: "bob", pid: 77)],
            [.checkPorts(node: "alice"), .checkPorts(node: "bob")],
            [.createCertificates],
            [.start(node: "alice"), .start(node: "bob")],
            [.waitReady(node: "alice", timeoutSeconds: 60), .waitReady(node: "bob", timeoutSeconds: 60)],
        ])
    }

    @Test func upOnARunningClusterChangesNothing() {
        let plan = UpPlanner.plan(observe([("alice", .running(1)), ("bob", .running(2))], certificates: false))
        #expect(!plan.changesSomething)
        #expect(!plan.steps.contains(.createCertificates), "certificates are made only for nodes that start")
    }

    @Test func upRestartsANodeWhoseEtcdOutlivedItAndKeepsOneStartedByHand() {
        let observation = ClusterObservation(nodes: [
            .init(name: "alice", process: .none, unrecorded: [42]),
            .init(name: "bob", process: .stale(7), leftoverEtcd: 77),
        ])
        let plan = UpPlanner.plan(observation, timeoutSeconds: 9)
        #expect(plan.stages.map(\.steps) == [
            [.keep(node: "alice", pid: 42), .removeStalePIDFile(node: "bob", pid: 7), .stopEtcd(node: "bob", pid: 77)],
            [.checkPorts(node: "bob")],
            [.start(node: "bob")],
            [.waitReady(node: "alice", timeoutSeconds: 9), .waitReady(node: "bob", timeoutSeconds: 9)],
        ])
    }

    @Test func downFindsNodesByCommandLineAndLeftoverEtcd() {
        let observation = ClusterObservation(
            nodes: [
                .init(name: "alice", process: .running(1), unrecorded: [2]),
                .init(name: "bob", process: .none, leftoverEtcd: 3),
                .init(name: "carol", process: .none),
            ], leader: "bob")
        let plan = DownPlanner.plan(observation, purge: true)
        #expect(plan.stages.map(\.steps) == [
            [.stop(node: "alice", pid: 1), .stop(node: "alice", pid: 2), .notRunning(node: "carol")],
            [.stopEtcd(node: "bob", pid: 3)],
            [.purgeState],
        ])
    }

    @Test func upLeavesANodeStoppedWithStopAloneAndStartBringsItBack() {
        let observation = ClusterObservation(nodes: [
            .init(name: "alice", process: .running(1)),
            .init(name: "bob", process: .none, held: true),
            .init(name: "carol", process: .none),
        ])
        #expect(UpPlanner.plan(observation, timeoutSeconds: 9).stages.map(\.steps) == [
            [.held(node: "bob"), .keep(node: "alice", pid: 1)],
            [.checkPorts(node: "carol")],
            [.start(node: "carol")],
            [.waitReady(node: "alice", timeoutSeconds: 9), .waitReady(node: "carol", timeoutSeconds: 9)],
        ])
        #expect(UpPlanner.start(observation, node: "bob", timeoutSeconds: 9).stages.map(\.steps) == [
            [.release(node: "bob")],
            [.checkPorts(node: "bob")],
            [.start(node: "bob")],
            [.waitReady(node: "bob", timeoutSeconds: 9)],
        ])
        #expect(UpPlanner.start(observation, node: "alice", timeoutSeconds: 9).stages.map(\.steps) == [
            [.keep(node: "alice", pid: 1)],
            [.waitReady(node: "alice", timeoutSeconds: 9)],
        ])
    }

    @Test func stopHoldsTheNodeFirstAndDownForgetsEveryHold() {
        let observation = ClusterObservation(
            nodes: [.init(name: "alice", process: .running(1)), .init(name: "bob", process: .none, held: true)], leader: "alice")
        #expect(DownPlanner.stop(observation, node: "alice").stages.map(\.steps) == [
            [.hold(node: "alice")],
            [.stop(node: "alice", pid: 1, leader: true)],
        ])
        #expect(DownPlanner.plan(observation).stages.map(\.steps) == [
            [.notRunning(node: "bob")],
            [.stop(node: "alice", pid: 1, leader: true)],
            [.release(node: "bob")],
        ])
    }
}
