import Subprocess

#if canImport(Glibc)
import Glibc
#endif

/// How a process ended: its exit code, or the signal that killed it.
public enum ExitStatus: Sendable, Hashable, CustomStringConvertible {
    /// It exited with this code.
    case exited(Int32)
    /// A signal killed it.
    case killed(signal: Int32)

    /// Whether it exited with code 0.
    public var isSuccess: Bool { self == .exited(0) }

    /// The shell's number for it: the exit code, or 128 + the signal.
    public var code: Int32 {
        switch self {
        case .exited(let code): code
        case .killed(let signal): 128 + signal
        }
    }

    /// "exited with code 1", "killed by SIGKILL".
    public var description: String {
        switch self {
        case .exited(let code): "exited with code \(code)"
        case .killed(let signal): "killed by \(Self.signalName(signal))"
        }
    }

    /// `SIGKILL`, `SIGTERM`, …, or `signal N` for one without a common name.
    public static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
            SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1",
            SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
        ]
        return names[signal] ?? "signal \(signal)"
    }

    init(_ status: TerminationStatus) {
        switch status {
        case .exited(let code): self = .exited(code)
        case .signaled(let signal): self = .killed(signal: signal)
        }
    }
}
