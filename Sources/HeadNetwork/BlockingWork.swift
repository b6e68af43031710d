import Dispatch

/// Blocking work (fsync, positional reads and writes) on a dispatch queue of its own, never on
/// Swift's cooperative pool: the queue log's group commit, the revision file and the node's
/// journal all go through it.
public enum BlockingWork {
    /// Runs blocking `work` on `queue` and returns its result.
    public static func run<T: Sendable>(on queue: DispatchQueue, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
