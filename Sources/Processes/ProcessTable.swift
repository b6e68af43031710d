import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The processes on this machine, read from `/proc`: to find a `headnet node --spec … --name …`
/// or an etcd started by hand from any directory, by its arguments.
public enum ProcessTable {
    /// The processes running now, by pid: without zombies and without kernel threads (which
    /// have no command line). A snapshot: a process may be gone by the time it is used.
    ///
    /// A process spawned a moment ago can be missing: its command line reads empty until its
    /// program has started.
    public static func snapshot() -> [RunningProcess] {
        pids().compactMap { pid in
            guard let arguments = arguments(of: pid), !arguments.isEmpty, !ProcessControl.isZombie(pid) else { return nil }
            return RunningProcess(pid: pid, arguments: arguments, workingDirectory: workingDirectory(of: pid))
        }
    }

    /// The pids listed in `/proc` (one per process, not per thread), in increasing order.
    static func pids() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { $0 > 0 }.sorted()
    }

    /// `/proc/<pid>/cmdline` split at NUL (empty arguments kept); nil when the process is gone,
    /// empty for a kernel thread or a zombie.
    static func arguments(of pid: Int32) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        return arguments(fromCommandLine: data)
    }

    /// The arguments in the contents of a `/proc/<pid>/cmdline`: NUL-terminated strings.
    static func arguments(fromCommandLine data: Data) -> [String] {
        guard !data.isEmpty else { return [] }
        let terminated = data.last == 0 ? data.dropLast() : data[...]
        return terminated.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The target of `/proc/<pid>/cwd`, without the ` (deleted)` the kernel adds when the
    /// directory was removed; nil when it cannot be read.
    static func workingDirectory(of pid: Int32) -> String? {
        guard let target = readLink("/proc/\(pid)/cwd") else { return nil }
        let deleted = " (deleted)"
        if target.hasSuffix(deleted), !FileManager.default.fileExists(atPath: target) { return String(target.dropLast(deleted.count)) }
        return target
    }

    /// The target of the symbolic link at `path`, nil when it is not one, cannot be read, or is
    /// longer than `PATH_MAX`.
    static func readLink(_ path: String) -> String? {
        let capacity = Int(PATH_MAX)
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer -> String? in
            guard let base = buffer.baseAddress else { return nil }
            let count = readlink(path, base, capacity)
            guard count >= 0, count < capacity else { return nil }
            return String(decoding: UnsafeRawBufferPointer(start: base, count: count), as: UTF8.self)
        }
    }
}
