import ClusterSpec
import HeadnetCore
import Processes
import Testing

@testable import Orchestrator

/// Member changes are plans too: refusals, order and undo, checked without processes or etcd.
@Suite struct MemberPlannerTests {
    static let edit = SpecEditor.Edit(text: "new spec\n", inPlace: true)

    /// A cluster of `names`; the ones in `down` have no healthy etcd and no process; the ones in
    /// `learners` are learners; `outside` are spec nodes that are not members.
    func observe(
        _ names: [String], down: Set<String> = [], learners: Set<String> = [], outside: Set<String> = [], leader: String? = nil
    ) -> MemberObservation {
        let members = names.enumerated().filter { !outside.contains($0.element) }.map { index, name in
            MemberObservation.Member(
                id: UInt64(index + 1), name: "127.0.0.1:\(5001 + index)", peerURLs: ["http://127.0.0.1:\(5001 + index)"],
                isLearner: learners.contains(name), node: name)
        }
        let nodes = names.enumerated().map { index, name in
            MemberObservation.Node(
                name: name, process: ClusterObservation.Node(name: name, process: down.contains(name) || outside.contains(name) ? .none : .running(Int32(100 + index))),
                etcdUp: !down.contains(name) && !outside.contains(name), hasEtcdData: !outside.contains(name))
        }
        return MemberObservation(members: members, nodes: nodes, leaderID: leader.flatMap { name in members.first { $0.node == name }?.id })
    }

    let dave = NodeSpec(name: "dave", listen: Address(host: "127.0.0.1", port: 5004))

    func refusal(_ body: () throws(OrchestratorError) -> Plan) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return error.code == .refused ? error.message : "not refused: \(error)"
        }
    }

    @Test func addingALearnerStartsItAfterTheSpecAndPromotesItOnceCaughtUp() throws {
        let observation = observe(["alice", "bob", "carol", "dave"], outside: ["dave"], leader: "alice")
        let plan = try MemberPlanner.add(dave, learner: true, observation: observation, tls: false, spec: Self.edit, timeoutSeconds: 30)
        #expect(plan.steps == [
            .checkPorts(node: "dave"),
            .member(.add(node: "dave", learner: true)),
            .member(.writeSpec(node: "dave", change: .added, text: "new spec\n", inPlace: true)),
            .start(node: "dave"),
            .member(.waitCaughtUp(node: "dave", timeoutSeconds: 30)),
            .member(.promote(node: "dave", timeoutSeconds: 30)),
            .waitReady(node: "dave", timeoutSeconds: 30),
        ])
        let voting = try MemberPlanner.add(dave, learner: false, observation: observation, tls: false, spec: Self.edit, timeoutSeconds: 30)
        #expect(!voting.steps.contains { if case .member(.promote) = $0 { true } else { false } })
        #expect(voting.steps.contains(.member(.add(node: "dave", learner: false))))
    }

    @Test func addingIsRefusedUnlessTheClusterIsWholeAndHealthy() {
        let names = ["alice", "bob", "carol", "dave"]
        func add(_ observation: MemberObservation, learner: Bool = true, tls: Bool = false) -> String? {
            refusal { () throws(OrchestratorError) in
                try MemberPlanner.add(dave, learner: learner, observation: observation, tls: tls, spec: Self.edit, timeoutSeconds: 30)
            }
        }
        #expect(add(observe(names, down: ["carol"], outside: ["dave"]))?.contains("carol's etcd does not answer") == true)
        #expect(add(observe(names, learners: ["carol"], outside: ["dave"]))?.contains("carol is a learner already") == true)
        #expect(add(observe(names, outside: ["carol", "dave"]))?.contains("not etcd members: carol") == true)
        #expect(add(observe(names))?.contains("already an etcd member") == true)
        #expect(add(observe(names, outside: ["dave"]), tls: true)?.contains("its key (pki/ca-key.pem) is not kept") == true)
        #expect(add(MemberObservation(members: [], nodes: []))?.contains("no etcd member") == true)
        var stranger = observe(names, outside: ["dave"])
        stranger.members.append(.init(id: 9, name: "", peerURLs: ["http://10.9.9.9:5001"], isLearner: true, node: nil))
        #expect(add(stranger)?.contains("does not list: http://10.9.9.9:5001") == true)
        var leftover = observe(names, outside: ["dave"])
        leftover.nodes[3].hasEtcdData = true
        #expect(add(leftover)?.contains("etcd data of an earlier member") == true)
    }

    @Test func aFailedAddIsUndoneInReverse() {
        let process = ClusterObservation.Node(name: "dave", process: .running(42))
        let undo = MemberPlanner.undoAdd("dave", completed: ["check-ports", "member-add", "write-spec", "start"], process: process, originalSpec: "old\n")
        #expect(undo.steps == [
            .stop(node: "dave", pid: 42),
            .member(.remove(node: "dave")),
            .member(.writeSpec(node: "dave", change: .restored, text: "old\n", inPlace: true)),
            .member(.removeEtcdData(node: "dave")),
        ])
        let early = MemberPlanner.undoAdd("dave", completed: ["check-ports", "member-add"], process: nil, originalSpec: "old\n")
        #expect(early.steps == [.member(.remove(node: "dave"))])
        // A MemberAdd that failed after a retry may still have committed: the member is removed anyway.
        let failedAdd = MemberPlanner.undoAdd("dave", completed: ["check-ports"], process: nil, originalSpec: "old\n")
        #expect(failedAdd.steps == [.member(.remove(node: "dave"))])
    }

    @Test func removingAMemberOfTwoWhoseOtherIsDownIsRefused() {
        let observation = observe(["alice", "bob"], down: ["bob"], leader: nil)
        for name in ["alice", "bob"] {
            let message = refusal { () throws(OrchestratorError) in try MemberPlanner.remove(name, observation: observation, spec: Self.edit) }
            #expect(message?.contains("no quorum: 1 of 2 voting members up, 2 needed (down: bob)") == true, "\(name): \(message ?? "planned")")
        }
    }

    @Test func removingAHealthyMemberWhileAnotherIsDownWouldLoseQuorum() throws {
        let observation = observe(["alice", "bob", "carol"], down: ["carol"], leader: "alice")
        let message = refusal { () throws(OrchestratorError) in try MemberPlanner.remove("bob", observation: observation, spec: Self.edit) }
        #expect(message?.contains("removing bob would lose quorum: 1 of the 2 remaining voting members up, 2 needed (down: carol)") == true, "\(message ?? "")")
        // The member that is down can go: it is not part of the quorum.
        let plan = try MemberPlanner.remove("carol", observation: observation, spec: Self.edit)
        #expect(plan.steps == [
            .notRunning(node: "carol"),
            .member(.drainQueue(node: "carol", timeoutSeconds: 0)),
            .member(.remove(node: "carol")),
            .member(.removeEtcdData(node: "carol")),
            .member(.writeSpec(node: "carol", change: .removed, text: "new spec\n", inPlace: true)),
        ])
    }

    @Test func theLeaderHandsOverFirstAndAFollowerStopsBeforeItIsRemoved() throws {
        let observation = observe(["alice", "bob", "carol"], leader: "alice")
        let plan = try MemberPlanner.remove("alice", observation: observation, spec: Self.edit)
        #expect(plan.stages.map(\.steps) == [
            [.moveLeader(from: "alice", to: "bob")],
            [.member(.drainQueue(node: "alice", timeoutSeconds: 30))],
            [.stop(node: "alice", pid: 100)],
            [.member(.drainQueue(node: "alice", timeoutSeconds: 0))],
            [.member(.remove(node: "alice"))],
            [.member(.removeEtcdData(node: "alice"))],
            [.member(.writeSpec(node: "alice", change: .removed, text: "new spec\n", inPlace: true))],
        ])
    }

    @Test func inAClusterOfTwoTheMemberGoesBeforeItsNodeStops() throws {
        let plan = try MemberPlanner.remove("bob", observation: observe(["alice", "bob"], leader: "alice"), spec: Self.edit)
        #expect(Array(plan.steps.prefix(4)) == [
            .member(.drainQueue(node: "bob", timeoutSeconds: 30)), .member(.remove(node: "bob")), .stop(node: "bob", pid: 101),
            .member(.drainQueue(node: "bob", timeoutSeconds: 0)),
        ])
        let only = refusal { () throws(OrchestratorError) in
            try MemberPlanner.remove("alice", observation: observe(["alice", "bob"], learners: ["bob"], leader: "alice"), spec: Self.edit)
        }
        #expect(only?.contains("only voting member") == true)
    }

    @Test func promotionWaitsForTheLearnerAndNeedsQuorum() throws {
        let plan = try MemberPlanner.promote("dave", observation: observe(["alice", "bob", "carol", "dave"], learners: ["dave"]), timeoutSeconds: 20)
        #expect(plan.steps == [
            .member(.waitCaughtUp(node: "dave", timeoutSeconds: 20)), .member(.promote(node: "dave", timeoutSeconds: 20)),
            .waitReady(node: "dave", timeoutSeconds: 20),
        ])
        func promote(_ observation: MemberObservation) -> String? {
            refusal { () throws(OrchestratorError) in try MemberPlanner.promote("dave", observation: observation, timeoutSeconds: 20) }
        }
        #expect(promote(observe(["alice", "bob", "carol", "dave"]))?.contains("voting member already") == true)
        #expect(promote(observe(["alice", "bob", "carol", "dave"], down: ["bob", "carol"], learners: ["dave"]))?.contains("no quorum") == true)
        #expect(promote(observe(["alice", "bob", "carol", "dave"], down: ["dave"], learners: ["dave"]))?.contains("does not answer") == true)
    }

    @Test func membersAreMatchedToNodesByPeerURL() {
        let nodes = [NodeSpec(name: "alice", listen: Address(host: "127.0.0.1", port: 5001)), NodeSpec(name: "v6", listen: Address(host: "::1", port: 5002))]
        #expect(MemberObservation.node(forPeerURLs: ["https://127.0.0.1:5001"], among: nodes) == "alice")
        #expect(MemberObservation.node(forPeerURLs: ["http://[::1]:5002/"], among: nodes) == "v6")
        #expect(MemberObservation.node(forPeerURLs: ["http://127.0.0.1:5009"], among: nodes) == nil)
    }

    @Test func onATLSClusterTheNewNodeGetsCertificatesFromTheKeptCABeforeItStarts() throws {
        let observation = observe(["alice", "bob", "carol", "dave"], outside: ["dave"])
        let plan = try MemberPlanner.add(dave, learner: true, observation: observation, tls: true, caKeyKept: true, spec: Self.edit, timeoutSeconds: 30)
        let kinds = plan.steps.map(\.kind)
        let issue = try #require(kinds.firstIndex(of: "issue-node-certificates"))
        #expect(issue < kinds.firstIndex(of: "start")!, "\(kinds)")
        #expect(kinds.firstIndex(of: "member-add")! < issue)
    }
}
