import Testing

@testable import Drills

/// Selectors resolve from the cluster as it is when the step runs; random picks replay with the seed.
@Suite struct NodeSelectorTests {
    let three = ["alice", "bob", "carol"]
    let five = ["a", "b", "c", "d", "e"]

    func resolve(_ selector: NodeSelector, _ nodes: [String], leader: String? = "bob", previous: [String] = [], seed: UInt64 = 7) -> Result<[String], NodeSelector.Unresolvable> {
        var generator = SeededGenerator(seed: seed)
        return selector.resolve(nodes: nodes, leader: leader, previous: previous, using: &generator)
    }

    @Test func rolesPickTheRightCounts() throws {
        #expect(try resolve(.leader, three).get() == ["bob"])
        #expect(try resolve(.followers, three).get() == ["alice", "carol"])
        #expect(try resolve(.all, five).get() == five)
        #expect(try resolve(.quorum, three).get().count == 2 && resolve(.quorum, five).get().count == 3)
        #expect(try resolve(.minority, three).get().count == 1 && resolve(.minority, five).get().count == 2)
        #expect(try resolve(.random, five).get().count == 1)
        #expect(try resolve(.named("carol"), three).get() == ["carol"])
        #expect(try resolve(.previous, three, previous: ["carol"]).get() == ["carol"])
    }

    @Test func aFollowerIsNeverTheLeaderAndRandomPicksReplayWithTheSeed() throws {
        for seed in UInt64(0)..<50 {
            let follower = try resolve(.follower, five, leader: "c", seed: seed).get()
            #expect(follower.count == 1 && follower != ["c"])
            #expect(try resolve(.quorum, five, seed: seed).get() == resolve(.quorum, five, seed: seed).get())
        }
        let picks = Set((UInt64(0)..<50).map { try? resolve(.random, five, seed: $0).get() })
        #expect(picks.count == 5, "over 50 seeds every node gets picked")
    }

    @Test func whatCannotBeResolvedSaysWhy() {
        #expect(resolve(.leader, three, leader: nil) == .failure(.noLeader))
        #expect(resolve(.follower, three, leader: nil) == .failure(.noLeader))
        #expect(resolve(.previous, three) == .failure(.nothingPrevious))
        #expect(resolve(.named("dave"), three) == .failure(.unknownNode("dave")))
    }

    @Test func aDrillFileNamesRolesByKeyword() {
        #expect(NodeSelector("majority") == .quorum && NodeSelector("leader") == .leader && NodeSelector("carol") == .named("carol"))
        for keyword in NodeSelector.keywords where keyword != "majority" { #expect(NodeSelector(keyword).description == keyword) }
    }
}
