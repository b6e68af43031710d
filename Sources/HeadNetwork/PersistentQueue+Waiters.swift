import Foundation

extension PersistentQueue {
    /// Suspends until ``wakeAll()`` or the task's cancellation.
    func waitForChange() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Registered unless the task was cancelled, even a moment ago (the handler below
                // has run then and left the id behind).
                let cancelled = waiters.withLock { $0.add(id, continuation) }
                if cancelled || Task.isCancelled { waiters.withLock { $0.remove(id) }?.resume() }
            }
        } onCancel: {
            waiters.withLock { $0.cancel(id) }?.resume()
        }
    }

    /// Wakes every task in ``waitForChange()``.
    func wakeAll() {
        for continuation in waiters.withLock({ $0.removeAll() }) { continuation.resume() }
    }

    /// The waiting tasks, and the ids of those cancelled before they were registered.
    struct Waiters: Sendable {
        private var continuations: [UUID: CheckedContinuation<Void, Never>] = [:]
        private var cancelledEarly: Set<UUID> = []

        /// Registers `id`; returns true (keeping it registered, for the caller to remove) when
        /// its task was cancelled before.
        mutating func add(_ id: UUID, _ continuation: CheckedContinuation<Void, Never>) -> Bool {
            continuations[id] = continuation
            return cancelledEarly.remove(id) != nil
        }

        /// Takes `id` out; its continuation, if it was registered.
        mutating func remove(_ id: UUID) -> CheckedContinuation<Void, Never>? {
            continuations.removeValue(forKey: id)
        }

        /// `id`'s task was cancelled: its continuation to resume, or a note for when it registers.
        mutating func cancel(_ id: UUID) -> CheckedContinuation<Void, Never>? {
            guard let continuation = continuations.removeValue(forKey: id) else {
                cancelledEarly.insert(id)
                return nil
            }
            return continuation
        }

        /// Takes every continuation out.
        mutating func removeAll() -> [CheckedContinuation<Void, Never>] {
            defer { continuations.removeAll() }
            return Array(continuations.values)
        }
    }
}
