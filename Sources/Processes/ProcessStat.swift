import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One process as the kernel describes it in `/proc/<pid>/stat`: its scheduling state, CPU
/// time, start time and memory. For `status` (a node stopped with SIGSTOP is not a crashed
/// one) and for a node's `process_*` metrics.
public struct ProcessStat: Sendable, Hashable {
    /// The scheduling state (the third field).
    public enum State: Sendable, Hashable {
        /// `R`: running or runnable.
        case running
        /// `S` or `I`: waiting (interruptible, or an idle kernel thread).
        case sleeping
        /// `D`: waiting on I/O, uninterruptibly.
        case diskSleep
        /// `T`: stopped by a signal (SIGSTOP, SIGTSTP); SIGCONT resumes it.
        case stopped
        /// `t`: stopped by a debugger.
        case tracingStop
        /// `Z`: exited, not reaped yet.
        case zombie
        /// Any other letter (`X` dead, `P` parked, …).
        case other(Character)

        init(_ letter: Character) {
            switch letter {
            case "R": self = .running
            case "S", "I": self = .sleeping
            case "D": self = .diskSleep
            case "T": self = .stopped
            case "t": self = .tracingStop
            case "Z": self = .zombie
            default: self = .other(letter)
            }
        }

        /// Whether the process is halted until someone sends SIGCONT (or the debugger lets go).
        public var isStopped: Bool { self == .stopped || self == .tracingStop }
    }

    /// The state.
    public var state: State
    /// CPU time in user mode, in clock ticks.
    public var userTicks: UInt64
    /// CPU time in kernel mode, in clock ticks.
    public var systemTicks: UInt64
    /// When the process started, in clock ticks after boot.
    public var startTicks: UInt64
    /// Virtual memory size, bytes.
    public var virtualBytes: UInt64
    /// Resident set size, pages.
    public var residentPages: UInt64

    /// The stat of `pid`; nil when the process is gone or the file cannot be parsed.
    public static func read(_ pid: Int32) -> ProcessStat? {
        guard pid > 0, let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        return parse(text)
    }

    /// Parses the text of a `/proc/<pid>/stat` file. The command name (field 2) is in
    /// parentheses and may itself hold spaces and parentheses: the fields start after the last `)`.
    public static func parse(_ text: String) -> ProcessStat? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); field n is fields[n - 3].
        func number(_ field: Int) -> UInt64? { fields.count > field - 3 ? UInt64(fields[field - 3]) : nil }
        guard let letter = fields.first?.first, let user = number(14), let system = number(15), let start = number(22),
            let virtual = number(23), let resident = number(24)
        else { return nil }
        return ProcessStat(
            state: State(letter), userTicks: user, systemTicks: system, startTicks: start, virtualBytes: virtual, residentPages: resident)
    }

    /// CPU time used, user and kernel, in seconds.
    public var cpuSeconds: Double { Double(userTicks + systemTicks) / Double(Self.ticksPerSecond) }

    /// Resident memory in bytes.
    public var residentBytes: UInt64 { residentPages * UInt64(Self.pageSize) }

    /// When the process started, in seconds since the epoch (nil when the boot time is unknown).
    public var startTimeSeconds: Double? {
        Self.bootTimeSeconds.map { $0 + Double(startTicks) / Double(Self.ticksPerSecond) }
    }

    /// The descriptors `pid` has open (entries of `/proc/<pid>/fd`); nil when unreadable.
    public static func openDescriptors(_ pid: Int32) -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }

    /// The soft limit on this process's open descriptors (RLIMIT_NOFILE).
    public static var maxDescriptors: UInt64? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return UInt64(limit.rlim_cur)
    }

    static let ticksPerSecond = max(1, Int(sysconf(Int32(_SC_CLK_TCK))))
    static let pageSize = max(1, Int(sysconf(Int32(_SC_PAGESIZE))))

    /// The `btime` line of `/proc/stat`: the boot time in seconds since the epoch.
    static let bootTimeSeconds: Double? = {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix("btime ") }.flatMap { Double($0.dropFirst("btime ".count)) }
    }()
}
