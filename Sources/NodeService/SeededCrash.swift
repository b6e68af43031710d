import Foundation
import Synchronization

/// A crash planted on purpose, for tests only: with `HEADNET_TEST_CRASH_AFTER_QUEUEING=N` in its
/// environment, a node kills itself (SIGKILL, its etcd left running) right after it queued its
/// N-th broadcast durably and before it answers — the answer is lost although the message was
/// accepted. Once per persistence directory: it leaves ``firedMarker`` there, so the node started
/// again on the same state runs normally. The proof that a load generator retrying such a message
/// with its `Idempotency-Key` gets it delivered exactly once.
final class SeededCrash: Sendable {
    /// The environment variable that plants it.
    static let variable = "HEADNET_TEST_CRASH_AFTER_QUEUEING"
    /// The file it leaves in the persistence directory when it fires.
    static let firedMarker = "test-crash-fired"

    private let position: Int
    private let marker: URL
    private let queued = Mutex(0)

    /// The crash the environment plants for the node on `persistenceDirectory`, nil without it
    /// (always, outside such tests) or once it fired there.
    static func fromEnvironment(
        persistenceDirectory: URL, _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> SeededCrash? {
        let marker = persistenceDirectory.appendingPathComponent(firedMarker)
        guard let position = environment[variable].flatMap(Int.init), position > 0,
            !FileManager.default.fileExists(atPath: marker.path)
        else { return nil }
        return SeededCrash(position: position, marker: marker)
    }

    private init(position: Int, marker: URL) {
        self.position = position
        self.marker = marker
    }

    /// Counts a queued broadcast; at the planted position leaves the marker and kills the process.
    func broadcastQueued() {
        let count = queued.withLock { count in
            count += 1
            return count
        }
        guard count == position else { return }
        FileManager.default.createFile(atPath: marker.path, contents: Data("\(position)\n".utf8))
        kill(getpid(), SIGKILL)
    }
}
