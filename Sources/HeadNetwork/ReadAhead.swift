import EtcdClient
import HeadnetCore

/// Reads a producer ahead in a task of its own and hands what arrived meanwhile to a consumer
/// in one go: a consumer that is slower than the producer (a journal write and a revision note
/// per call) then handles many elements per call instead of falling behind one at a time.
enum ReadAhead {
    /// Runs `produce` in a child task and calls `body` with every element it handed to its
    /// `yield` since the previous call (at most `maxCount`, at least one), in order. Returns
    /// when `produce` returns; its error is thrown after the elements before it were handed
    /// over. Cancelling the caller stops the producer. A producer that yields straight from
    /// where its elements arrive (an etcd watch's stream) saves a task hop per element over
    /// an `AsyncSequence` in between.
    static func consume<Element: Sendable>(
        producing produce: @escaping @Sendable (_ yield: @escaping @Sendable (Element) -> Void) async throws -> Void,
        maxCount: Int, _ body: ([Element]) async throws -> Void
    ) async throws {
        let buffer = Buffer<Element>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await produce { buffer.append($0) }
                    buffer.finish(nil)
                } catch {
                    buffer.finish(error)
                }
            }
            defer { group.cancelAll() }
            while let elements = try await buffer.take(maxCount: maxCount) {
                try await body(elements)
            }
        }
    }

    /// Elements waiting for the consumer; one waiting consumer at most.
    final class Buffer<Element: Sendable>: Sendable {
        private struct State {
            var elements: [Element] = []
            var end: Result<Void, any Error>?
            var waiter: CheckedContinuation<Void, Never>?
        }

        private let state = LockedValue(State())

        func append(_ element: Element) {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.elements.append(element)
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        func finish(_ error: (any Error)?) {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.end = error.map { .failure($0) } ?? .success(())
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        /// The elements that arrived (up to `maxCount`), waiting for one; nil once the sequence
        /// ended and everything was taken; the sequence's error after that.
        func take(maxCount: Int) async throws -> [Element]? {
            while true {
                try Task.checkCancellation()
                let taken = state.withLock { state -> (elements: [Element], end: Result<Void, any Error>?) in
                    let count = min(state.elements.count, maxCount)
                    let elements = Array(state.elements.prefix(count))
                    state.elements.removeFirst(count)
                    return (elements, state.elements.isEmpty ? state.end : nil)
                }
                if !taken.elements.isEmpty { return taken.elements }
                if let end = taken.end {
                    try end.get()
                    return nil
                }
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let ready = state.withLock { state -> Bool in
                            guard state.elements.isEmpty, state.end == nil else { return true }
                            state.waiter = continuation
                            return false
                        }
                        if ready { continuation.resume() }
                    }
                } onCancel: {
                    let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                        defer { state.waiter = nil }
                        return state.waiter
                    }
                    waiter?.resume()
                }
            }
        }
    }
}
