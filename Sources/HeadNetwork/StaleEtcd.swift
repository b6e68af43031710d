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
        await ProcessTermination.escalate(
            [.init(SIGTERM, wait: .seconds(5)), .init(SIGKILL, wait: .seconds(5))],
            send: { kill(pid, $0) }, isGone: { !ProcessTermination.isAlive(pid) })
        try? FileManager.default.removeItem(at: pidFile)
        return pid
    }

    /// Records the running child's pid.
    static func record(pid: Int32, in pidFile: URL) {
        try? DurableFile.write(Array("\(pid)\n".utf8), to: pidFile)
    }
}
