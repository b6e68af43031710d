import NIOCore
import NodeAPIModel

/// The run's ``DeliveryTracker`` on the event loop every connection of the run shares: the
/// follow streams and the senders record into it there without a lock, and the phases wait on
/// it for goals with bounded deadlines.
final class DeliveryBoard: @unchecked Sendable {
    /// What a phase waits for.
    enum Goal: Sendable, Hashable {
        /// The message in this slot delivered on every node.
        case slot(Int)
        /// At least this many saturation messages delivered on every node.
        case saturationCompleted(Int)
    }

    private struct Waiter {
        var goal: Goal
        var promise: EventLoopPromise<Bool>
        var timer: Scheduled<Void>
    }

    /// The loop that owns the state.
    let loop: any EventLoop
    /// Node names, in the tracker's node order (for messages).
    let nodeNames: [String]
    // Everything below only on `loop`.
    private var tracker: DeliveryTracker
    private var waiters: [Int: Waiter] = [:]
    private var nextWaiter = 0
    private var failure: BenchError?
    private var closing = false

    /// A board for `plan` on the nodes `nodeNames`.
    init(plan: MessagePlan, nodeNames: [String], loop: any EventLoop) {
        self.loop = loop
        self.nodeNames = nodeNames
        self.tracker = DeliveryTracker(plan: plan, nodes: nodeNames.count)
    }

    /// Now, in nanoseconds of the monotonic clock the tracker's times use.
    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    /// On the loop: the message in `slot` is being posted now.
    func posted(slot: Int) {
        loop.preconditionInEventLoop()
        tracker.posted(slot: slot, at: Self.now())
    }

    /// On the loop: node number `node` delivered `payload` at `time`.
    func delivered(_ payload: SequencedPayload, node: Int, at time: UInt64) {
        switch tracker.delivered(payload, node: node, at: time) {
        case .complete: settleWaiters()
        case .duplicate:
            fail(BenchError(.duplicate, "\(nodeNames[node]) delivered \(payload.sender) #\(payload.seq) twice; "
                + "its journal (GET /messages) must hold each message once — look at `headnet tail \(nodeNames[node])`"))
        case .partial, .foreign: break
        }
    }

    /// On the loop: ends every wait with `error` (the first failure wins).
    func fail(_ error: BenchError) {
        loop.preconditionInEventLoop()
        guard failure == nil else { return }
        failure = error
        for waiter in waiters.values {
            waiter.timer.cancel()
            waiter.promise.fail(error)
        }
        waiters = [:]
    }

    /// On the loop: a follow stream ended; a failure unless the run is closing its streams.
    func streamEnded(node: Int, reason: String) {
        guard !closing else { return }
        fail(BenchError(.node, "the message stream of \(nodeNames[node]) (GET /messages?follow=true) \(reason); did the node stop? "
            + "`headnet logs \(nodeNames[node])` shows why"))
    }

    /// Marks the streams as closing on purpose (their ends are no failure from now on).
    func close() async {
        try? await loop.submit { self.closing = true }.get()
    }

    /// Waits until `goal` is reached (true) or `timeout` passes (false); throws the run's
    /// failure (a stream ended, a repeat delivery, a refused post) as soon as there is one.
    func wait(for goal: Goal, timeout: TimeAmount) async throws -> Bool {
        let promise = loop.makePromise(of: Bool.self)
        loop.execute {
            if let failure = self.failure { return promise.fail(failure) }
            if self.reached(goal) { return promise.succeed(true) }
            let id = self.nextWaiter
            self.nextWaiter += 1
            let timer = self.loop.scheduleTask(in: timeout) {
                _ = self.waiters.removeValue(forKey: id).map { $0.promise.succeed(false) }
            }
            self.waiters[id] = Waiter(goal: goal, promise: promise, timer: timer)
        }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            promise.fail(BenchError(.cancelled, "the bench was interrupted"))
        }
    }

    /// Reads the tracker on the loop.
    func read<T: Sendable>(_ body: @escaping @Sendable (DeliveryTracker) -> T) async throws -> T {
        try await loop.submit { body(self.tracker) }.get()
    }

    /// The run's failure so far, if any.
    func currentFailure() async throws -> BenchError? {
        try await loop.submit { self.failure }.get()
    }

    private func reached(_ goal: Goal) -> Bool {
        switch goal {
        case .slot(let slot): tracker.isComplete(slot)
        case .saturationCompleted(let count): tracker.saturationCompletions.count >= count
        }
    }

    private func settleWaiters() {
        guard !waiters.isEmpty else { return }
        for (id, waiter) in waiters where reached(waiter.goal) {
            waiters[id] = nil
            waiter.timer.cancel()
            waiter.promise.succeed(true)
        }
    }
}
