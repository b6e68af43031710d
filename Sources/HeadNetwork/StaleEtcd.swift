import Foundation
import Processes

/// The etcd child of a node that was killed with SIGKILL keeps running (it has its own process
/// group). The node records the child's pid in `<persistence>/etcd.pid`; on the next start a
/// process that still runs under that pid *and* uses our data directory is stopped first.
struct StaleEtcd: Sendable {
    /// `<persistence>/etcd.pid`.
    let pidFile: PIDFile
    /// Arguments that identify our etcd: its data directory, or its config file.
    let markers: [String]

    /// Stops a leftover etcd (SIGTERM, SIGKILL after 5 s) and removes the pid file; returns its pid.
    func reap() async -> Int32? {
        guard case .running(let pid) = pidFile.state(matching: { $0.contains(where: markers.contains) }) else { return nil }
        await ProcessControl.stop(pid, sequence: .terminate())
        pidFile.remove()
        return pid
    }
}
