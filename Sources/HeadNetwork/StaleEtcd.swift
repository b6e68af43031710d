import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The etcd child of a node that was killed with SIGKILL keeps running (it has its own process
/// group). The node records the child's pid in `<persistence>/etcd.pid`; on the next start a
/// process that still runs under that pid *and* uses our data directory is stopped first.
enum StaleEtcd {
    /// Stops a leftover etcd recorded in `pidFile` whose command line names one of `markers`
    /// (its data directory, or its config file); returns its pid.
    @discardableResult
    static func reap(pidFile: URL, markers: [String]) async -> Int32? {
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1,
            let cmdline = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))
        else { return nil }
        let arguments = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard arguments.contains(where: markers.contains) else { return nil }
        for signal in [SIGTERM, SIGKILL] {
            kill(pid, signal)
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(5))
            while clock.now < deadline, kill(pid, 0) == 0, !isZombie(pid) {
                try? await Task.sleep(for: .milliseconds(20))
            }
            if kill(pid, 0) != 0 || isZombie(pid) { break }
        }
        try? FileManager.default.removeItem(at: pidFile)
        return pid
    }

    private static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }

    /// Records the running child's pid.
    static func record(pid: Int32, in pidFile: URL) {
        try? DurableFile.write(Array("\(pid)\n".utf8), to: pidFile)
    }
}
