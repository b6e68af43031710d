import Foundation
import HeadnetCore

#if canImport(Glibc)
import Glibc
#endif

/// Watching and stopping a process that is not our child (a node `headnet up` started earlier,
/// an etcd left over by a killed node): its exit is awaited through a pidfd (Linux ≥ 5.3),
/// which becomes readable when the process exits, reaped or not.
public enum ProcessControl {
    /// The path of the running executable (`/proc/self/exe`, else `argv[0]`).
    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Whether `pid` exists and is not a zombie.
    public static func isAlive(_ pid: Int32) -> Bool {
        pid > 0 && kill(pid, 0) == 0 && !isZombie(pid)
    }

    /// Sends `signal` to `pid`; whether it went (the process exists and may be signalled).
    @discardableResult
    public static func send(_ signal: Int32, to pid: Int32) -> Bool {
        pid > 0 && kill(pid, signal) == 0
    }

    /// Whether `pid` has exited but its parent has not reaped it: state `Z` in `/proc/<pid>/stat`
    /// with no thread left but the leader. The leader of a multi-threaded process (etcd) shows
    /// `Z` while its other threads are still exiting and its descriptors — its listening
    /// sockets — are still open; that process has not exited yet.
    public static func isZombie(_ pid: Int32) -> Bool {
        guard ProcessStat.read(pid)?.state == .zombie else { return false }
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Threads:") }),
            let threads = Int(line.dropFirst("Threads:".count).trimmingCharacters(in: .whitespaces))
        else { return true }
        return threads <= 1
    }

    /// Whether `pid` is stopped by a signal (SIGSTOP) or a debugger: alive, but answering
    /// nothing until SIGCONT.
    public static func isStopped(_ pid: Int32) -> Bool {
        ProcessStat.read(pid)?.state.isStopped ?? false
    }

    /// `pid` when it names a process stopped by a signal (``isStopped(_:)``); nil otherwise.
    public static func stoppedPID(_ pid: Int32?) -> Int32? {
        pid.flatMap { isStopped($0) ? $0 : nil }
    }

    /// The command line of `pid` (from `/proc/<pid>/cmdline`), nil when it does not exist.
    public static func commandLine(_ pid: Int32) -> [String]? {
        guard pid > 0, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Waits at most `timeout` for `pid` to exit; returns whether it is gone.
    public static func waitForExit(_ pid: Int32, timeout: Duration) async -> Bool {
        guard isAlive(pid) else { return true }
        guard let fd = PIDDescriptor.open(pid) else {
            // No pidfd (kernel < 5.3): look again until the deadline.
            return await Polling.poll(every: .milliseconds(20), within: timeout) { isAlive(pid) ? nil : true } ?? false
        }
        defer { close(fd) }
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        await PIDDescriptor.poll(fd, milliseconds: milliseconds)
        return !isAlive(pid)
    }

    /// Runs `sequence` against `pid` (or its process group with `group`) until it is gone;
    /// returns whether it is.
    @discardableResult
    public static func stop(_ pid: Int32, group: Bool = false, sequence: StopSequence = .graceful()) async -> Bool {
        for step in sequence.steps {
            guard isAlive(pid) else { return true }
            kill(group ? -pid : pid, step.signal)
            if await waitForExit(pid, timeout: step.wait) { return true }
        }
        return !isAlive(pid)
    }
}

/// pidfd_open(2) and a blocking poll on a thread of its own.
enum PIDDescriptor {
    private typealias Open = @convention(c) (pid_t, UInt32) -> Int32

    static func open(_ pid: Int32) -> Int32? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pidfd_open") else { return nil }
        let fd = unsafeBitCast(symbol, to: Open.self)(pid, 0)
        return fd >= 0 ? fd : nil
    }

    /// Waits until `fd` is readable (the process exited) or `milliseconds` pass, without
    /// holding a thread of the concurrency pool.
    static func poll(_ fd: Int32, milliseconds: Int32) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                while Glibc.poll(&entry, 1, milliseconds) < 0 && errno == EINTR {}
                continuation.resume()
            }
            thread.name = "pidfd-wait"
            thread.start()
        }
    }
}
