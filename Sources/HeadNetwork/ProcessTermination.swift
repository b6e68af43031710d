import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Stopping a process by escalating signals, and telling whether it is still there.
public enum ProcessTermination {
    /// One step of an escalation: the signal, and how long to wait for the process to go.
    public struct Step: Sendable {
        /// The signal to send.
        public var signal: Int32
        /// How long to wait after sending it.
        public var wait: Duration

        /// Creates a step.
        public init(_ signal: Int32, wait: Duration) {
            self.signal = signal
            self.wait = wait
        }
    }

    /// Runs `steps` in order: `send` the signal, then poll `isGone` until it holds or the step's
    /// wait is over. Stops as soon as the process is gone; returns whether it is.
    @discardableResult
    public static func escalate(_ steps: [Step], send: (Int32) -> Void, isGone: () -> Bool) async -> Bool {
        for step in steps {
            if isGone() { return true }
            send(step.signal)
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: step.wait)
            while !isGone(), clock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        return isGone()
    }

    /// Whether `pid` exists and is not a zombie.
    public static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 && !isZombie(pid)
    }

    /// Whether `pid` has exited but not been reaped by its parent yet (state `Z` in `/proc/<pid>/stat`).
    public static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return false
        }
        return stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }
}
