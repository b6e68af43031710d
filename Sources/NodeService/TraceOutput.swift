import Foundation
import Logging
import Synchronization

/// Where `headnet node` writes its trace: standard output, one JSON line per entry. A write that
/// fails (the disk under a redirected output is full) drops the line instead of stopping the
/// node, and is logged once until writing works again — the trace is for diagnosis, and a full
/// disk must not take the node's deliveries with it.
public final class TraceOutput: Sendable {
    private let handle: FileHandle
    private let logger: Logger
    private let failing = Mutex(false)

    /// Writes to `handle` (standard output by default), logging failures to `logger`.
    public init(_ handle: FileHandle = .standardOutput, logger: Logger) {
        self.handle = handle
        self.logger = logger
    }

    /// Writes `line` and a newline.
    public func write(_ line: String) {
        do {
            try handle.write(contentsOf: Data((line + "\n").utf8))
            if failing.withLock({ $0 }) {
                failing.withLock { $0 = false }
                logger.notice("the trace is written again")
            }
        } catch {
            let first = failing.withLock { failing in
                defer { failing = true }
                return !failing
            }
            if first { logger.warning("cannot write the trace (\(error)); its lines are dropped until writing works again") }
        }
    }
}
