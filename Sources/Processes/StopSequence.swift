#if canImport(Glibc)
import Glibc
#endif

/// How a process is asked to stop: signals sent in order, each followed by a wait for the process
/// to go. The process may be gone after any step; a last SIGKILL follows when it is not.
public struct StopSequence: Sendable, Hashable {
    /// One signal and how long to wait for the process to exit after it.
    public struct Step: Sendable, Hashable {
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

    /// The steps, in order.
    public var steps: [Step]

    /// Creates a sequence from its steps.
    public init(_ steps: [Step]) {
        self.steps = steps
    }

    /// SIGINT; SIGTERM after `grace`; SIGKILL after `termGrace` more (default: `grace` again).
    public static func graceful(_ grace: Duration = .seconds(5), termGrace: Duration? = nil) -> StopSequence {
        StopSequence([.init(SIGINT, wait: grace), .init(SIGTERM, wait: termGrace ?? grace), .init(SIGKILL, wait: .seconds(5))])
    }

    /// SIGTERM; SIGKILL after `grace`.
    public static func terminate(_ grace: Duration = .seconds(5)) -> StopSequence {
        StopSequence([.init(SIGTERM, wait: grace), .init(SIGKILL, wait: .seconds(5))])
    }

    /// SIGKILL at once.
    public static let kill = StopSequence([.init(SIGKILL, wait: .seconds(5))])
}
