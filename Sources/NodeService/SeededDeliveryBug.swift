import Foundation
import HeadNetwork
import Synchronization

/// A bug planted on purpose, for tests only: with `HEADNET_TEST_DROP_DELIVERY=N` in its
/// environment, a node leaves the N-th message it delivers out of its journal, once. A drill
/// run with it must report that message lost, naming its sender and sequence number — the
/// proof that the invariant checker can fail.
final class SeededDeliveryBug: Sendable {
    /// The environment variable that plants it.
    static let variable = "HEADNET_TEST_DROP_DELIVERY"

    private let position: Int
    private let delivered = Mutex(0)

    /// The bug the environment plants, nil without it (always, outside such tests).
    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> SeededDeliveryBug? {
        environment[variable].flatMap(Int.init).flatMap { $0 > 0 ? SeededDeliveryBug(position: $0) : nil }
    }

    private init(position: Int) {
        self.position = position
    }

    /// `batch` without the message at the planted position, if it is in this batch.
    func filter<Message>(_ batch: [Delivered<Message>]) -> [Delivered<Message>] {
        let first = delivered.withLock { count in
            defer { count += batch.count }
            return count + 1
        }
        guard (first..<first + batch.count).contains(position) else { return batch }
        var kept = batch
        kept.remove(at: position - first)
        return kept
    }
}
