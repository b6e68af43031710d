import Testing

@testable import HeadNetwork

/// The idempotency window's decisions, without a queue: what a key's message gets, and which keys
/// the window keeps.
@Suite struct IdempotencyWindowTests {
    typealias Window = IdempotencyWindow<String>

    /// One step of a table: an event and, for `admit`, the decision expected.
    enum Step {
        case admit(String, Window.Admission)
        case accept(String, UInt64)
        case release(String)
    }

    func run(_ steps: [Step], capacity: Int = 3) -> Window {
        var window = Window(capacity: capacity)
        for (number, step) in steps.enumerated() {
            switch step {
            case .admit(let key, let expected): #expect(window.admit(key) == expected, "step \(number + 1): admit \(key)")
            case .accept(let key, let index): window.accept(key, index: index)
            case .release(let key): window.release(key)
            }
        }
        return window
    }

    @Test func anAcceptedKeyIsReplayedAndARefusedOneIsNew() {
        let window = run([
            .admit("a", .proceed),
            .admit("a", .wait),  // the first is under way
            .accept("a", 1),
            .admit("a", .replay(index: 1)),
            .admit("b", .proceed),
            .release("b"),  // refused (queue full, or failed): not remembered
            .admit("b", .proceed),
            .accept("b", 2),
            .admit("b", .replay(index: 2)),
            .admit("a", .replay(index: 1)),
        ])
        #expect(window.count == 2)
        #expect(!window.isPending("a") && !window.isPending("b"))
    }

    @Test func theWindowKeepsTheLastKeysAccepted() {
        let window = run([
            .admit("a", .proceed), .accept("a", 1),
            .admit("b", .proceed), .accept("b", 2),
            .admit("c", .proceed), .accept("c", 3),
            .admit("d", .proceed), .accept("d", 4),  // "a" leaves the window
            .admit("a", .proceed),  // new again
            .admit("b", .replay(index: 2)),
            .release("a"),
        ])
        #expect(window.count == 3)
        #expect(window.entries.map(\.key) == ["b", "c", "d"])
    }

    @Test func aPendingKeyDoesNotCountAgainstTheWindow() {
        let window = run(
            [
                .admit("a", .proceed), .accept("a", 1),
                .admit("p", .proceed),
                .admit("b", .proceed), .accept("b", 2),
                .admit("p", .wait),
                .admit("a", .replay(index: 1)),
            ], capacity: 2)
        #expect(window.isPending("p"))
        #expect(window.count == 2)
    }

    /// Recovery replays archive and log, which may both hold a key: the duplicate neither counts
    /// twice nor makes an older key leave early.
    @Test func rememberingAKeyTwiceKeepsItOnce() {
        var window = Window(capacity: 3)
        for (key, index) in [("a", 1), ("b", 2), ("b", 2), ("c", 3), ("c", 3)] { window.remember(key, index: UInt64(index)) }
        #expect(window.entries.map(\.key) == ["a", "b", "c"])
        window.remember("d", index: 4)
        #expect(window.entries.map(\.key) == ["b", "c", "d"])
        #expect(window.index(of: "a") == nil)
        #expect(window.index(of: "d") == 4)
    }

    @Test func manyKeysStayBoundedAndInOrder() {
        var window = IdempotencyWindow<Int>(capacity: 1000)
        for key in 1...50_000 { window.remember(key, index: UInt64(key)) }
        #expect(window.count == 1000)
        #expect(window.entries.map(\.key) == Array(49_001...50_000))
        #expect(window.admit(49_000) == .proceed)
        #expect(window.admit(49_001) == .replay(index: 49_001))
    }
}
