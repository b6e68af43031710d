import Orchestrator
import Testing

@testable import Drills

/// `remove-member` and `add-member` run on any machine, pair up as a fault and its recovery, and
/// are the Orchestrator's member steps (the drill adds no path of its own to etcd's membership).
@Suite struct MemberReplaceStepTests {
    @Test func theStepsRunHereAndAddMemberRecoversFromRemoveMember() {
        for action in [DrillAction.removeMember(.follower), .addMember(.previous)] {
            #expect(DrillStepExecutor.unsupported(action, namespaces: false, disks: false) == nil, "\(action.kind)")
        }
        #expect(DrillAction.removeMember(.follower).isFault && !DrillAction.addMember(.previous).isFault)
        #expect(DrillStepExecutor.recovery(of: .removeMember(.follower)) == "add-member")
    }

    @Test func theMemberChangesAreTheOrchestratorsSteps() {
        #expect(DrillStepExecutor.removalPlan("bob").steps == [.member(.remove(node: "bob")), .member(.removeEtcdData(node: "bob"))])
        #expect(DrillStepExecutor.additionPlan("bob").steps == [.member(.add(node: "bob", learner: false))],
                "a voting member, as etcd's MemberReplace adds it; the add step marks bob as joining")
    }
}
