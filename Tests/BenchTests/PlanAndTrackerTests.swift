import NodeAPIModel
import Testing

@testable import Bench

/// Which message goes where, and the delivery bookkeeping.
@Suite struct PlanAndTrackerTests {
    @Test func everySlotBelongsToExactlyOneMessage() throws {
        let plan = MessagePlan(run: "b0001", nodes: 3, lowLoadSamples: 7, messages: 103, senders: 10)
        #expect(plan.lowLoad == 0..<7 && plan.saturation == 7..<110 && plan.slots == 110)
        #expect(plan.saturationSenders.map(\.count).reduce(0, +) == 103)
        #expect(plan.saturationSenders.map(\.count).max()! - plan.saturationSenders.map(\.count).min()! <= 1)
        #expect(plan.saturationSenders.map(\.node) == [0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
        var seen = Set<Int>()
        for slot in 0..<plan.slots {
            let payload = try #require(plan.payload(ofSlot: slot))
            #expect(plan.slot(of: payload) == slot)
            seen.insert(slot)
        }
        #expect(seen.count == plan.slots)
    }

    @Test func lowLoadRotatesTheSendingNode() {
        let plan = MessagePlan(run: "b0001", nodes: 3, lowLoadSamples: 7, messages: 10, senders: 2)
        let messages = (0..<7).map { plan.lowLoadMessage($0) }
        #expect(messages.map(\.sender.node) == [0, 1, 2, 0, 1, 2, 0])
        #expect(messages.map(\.seq) == [1, 1, 1, 2, 2, 2, 3])
        #expect(messages.enumerated().allSatisfy { $0.element.sender.slot(seq: $0.element.seq) == $0.offset })
        // Fewer samples than nodes: one sender per sample.
        let small = MessagePlan(run: "b0001", nodes: 5, lowLoadSamples: 2, messages: 1, senders: 1)
        #expect(small.lowLoadSenders.count == 2 && small.lowLoadMessage(1).sender.node == 1)
    }

    @Test func roundsCutARangeIntoNearlyEqualConsecutiveParts() {
        #expect(MessagePlan.rounds(of: 0..<600, count: 5) == [0..<120, 120..<240, 240..<360, 360..<480, 480..<600])
        #expect(MessagePlan.rounds(of: 0..<7, count: 3) == [0..<3, 3..<5, 5..<7])
        #expect(MessagePlan.rounds(of: 10..<12, count: 5) == [10..<11, 11..<12])
        #expect(MessagePlan.rounds(of: 0..<4, count: 1) == [0..<4])
        #expect(MessagePlan.rounds(of: 0..<0, count: 3).isEmpty)
    }

    @Test func namesFitSmallStringsAndUnknownMessagesHaveNoSlot() {
        let plan = MessagePlan(run: "bffff", nodes: 64, lowLoadSamples: 100, messages: 100_000, senders: 99_999)
        #expect((plan.lowLoadSenders + plan.saturationSenders).allSatisfy { $0.name.utf8.count <= 15 })
        #expect(plan.slot(of: SequencedPayload(sender: "bffff-s0", seq: 3)) == nil)  // sender 0 sends 2
        #expect(plan.slot(of: SequencedPayload(sender: "bffff-s0", seq: 0)) == nil)
        #expect(plan.slot(of: SequencedPayload(sender: "beeee-s0", seq: 1)) == nil)
    }

    @Test func aMessageIsCompleteWhenEveryNodeDeliveredItOnce() {
        let plan = MessagePlan(run: "b0001", nodes: 3, lowLoadSamples: 3, messages: 4, senders: 2)
        var tracker = DeliveryTracker(plan: plan, nodes: 3)
        let message = SequencedPayload(sender: "b0001-s1", seq: 2)
        let slot = plan.slot(of: message)!
        tracker.posted(slot: slot, at: 1_000)
        #expect(tracker.delivered(message, node: 2, at: 2_000) == .partial)
        #expect(tracker.latency(ofSlot: slot) == nil)
        #expect(tracker.delivered(message, node: 0, at: 3_000) == .partial)
        #expect(tracker.delivered(message, node: 2, at: 3_500) == .duplicate)
        #expect(tracker.delivered(message, node: 1, at: 5_000) == .complete)
        #expect(tracker.isComplete(slot) && tracker.latency(ofSlot: slot) == 4_000)
        #expect(tracker.saturationCompletions == [5_000])
        #expect(tracker.duplicateCount == 1 && tracker.duplicates == [.init(node: 2, payload: message)])
        #expect(tracker.deliveriesPerNode == [1, 1, 1])
        #expect(tracker.delivered(SequencedPayload(sender: "other", seq: 1), node: 0, at: 6_000) == .foreign)
    }

    @Test func lowLoadCompletionsDoNotCountAsSaturation() {
        let plan = MessagePlan(run: "b0001", nodes: 1, lowLoadSamples: 2, messages: 1, senders: 1)
        var tracker = DeliveryTracker(plan: plan, nodes: 1)
        #expect(tracker.delivered(SequencedPayload(sender: "b0001-l0", seq: 2), node: 0, at: 9) == .complete)
        #expect(tracker.saturationCompletions.isEmpty)
    }

    @Test func missingMessagesNameTheNodesThatLackThem() {
        let plan = MessagePlan(run: "b0001", nodes: 3, lowLoadSamples: 1, messages: 3, senders: 1)
        var tracker = DeliveryTracker(plan: plan, nodes: 3)
        for node in 0..<3 { _ = tracker.delivered(SequencedPayload(sender: "b0001-s0", seq: 1), node: node, at: 1) }
        _ = tracker.delivered(SequencedPayload(sender: "b0001-s0", seq: 2), node: 1, at: 1)
        let missing = tracker.missing(in: plan.saturation)
        #expect(missing.count == 2)
        #expect(missing.first.map(\.payload) == [SequencedPayload(sender: "b0001-s0", seq: 2), SequencedPayload(sender: "b0001-s0", seq: 3)])
        #expect(missing.first.map(\.nodes) == [[0, 2], [0, 1, 2]])
    }
}
