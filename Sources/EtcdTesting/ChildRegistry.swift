import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Every etcd process the harness started and has not reaped yet. At process exit whatever is
/// left gets SIGCONT and SIGKILL, so a test run that ends abruptly leaves no etcd behind.
enum ChildRegistry {
    private static let pids = Mutex<Set<pid_t>>([])
    private static let installed = Mutex(false)

    static func add(_ pid: pid_t) {
        installed.withLock { done in
            if !done {
                atexit { ChildRegistry.killAll() }
                done = true
            }
        }
        _ = pids.withLock { $0.insert(pid) }
    }

    static func remove(_ pid: pid_t) {
        _ = pids.withLock { $0.remove(pid) }
    }

    static func killAll() {
        let left = pids.withLock { pids in
            defer { pids.removeAll() }
            return pids
        }
        for pid in left {
            kill(pid, SIGCONT)
            kill(pid, SIGKILL)
        }
    }
}
