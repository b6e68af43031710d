import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn` in its own process group, with its stderr
/// delivered line by line. Foundation's `Process` cannot create a process group; the group
/// keeps a terminal's Ctrl-C away from etcd so the node can stop it in order.
final class ChildProcess: Sendable {
    /// The child's pid (also its process group id).
    let pid: pid_t
    private let exitStatus = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments` and `environment`; `onLine` receives each stderr
    /// line (on a background thread) and `nil` at end of stream.
    init(executable: String, arguments: [String], environment: [String: String], onLine: @escaping @Sendable (String?) -> Void) throws {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw HeadNetworkError(.etcdProcess, "pipe() failed: errno \(errno)") }
        let (readEnd, writeEnd) = (pipeFDs[0], pipeFDs[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        // Nothing else of ours leaks into etcd (listening sockets above all: an etcd orphaned by
        // a SIGKILLed node would otherwise keep the node's API port bound).
        InheritedDescriptors.close(in: &actions, keeping: [readEnd, writeEnd])

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawnp(&child, executable, &actions, &attributes, argv, envp)
        close(writeEnd)
        guard result == 0 else {
            close(readEnd)
            throw HeadNetworkError(
                .etcdProcess,
                "cannot start \(executable): \(String(cString: strerror(result))); install etcd (apt-get install etcd-server) or set the etcd binary path")
        }
        pid = child
        startReader(fd: readEnd, onLine: onLine)
        startReaper()
    }

    private func startReader(fd: Int32, onLine: @escaping @Sendable (String?) -> Void) {
        let thread = Thread {
            var pending = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                pending += buffer[0..<count]
                while let newline = pending.firstIndex(of: 0x0a) {
                    onLine(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
            if !pending.isEmpty { onLine(String(decoding: pending, as: UTF8.self)) }
            close(fd)
            onLine(nil)
        }
        thread.name = "etcd-stderr"
        thread.start()
    }

    private func startReaper() {
        let pid = self.pid
        let thread = Thread { [self] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            exitStatus.withLock { $0 = code }
        }
        thread.name = "etcd-reaper"
        thread.start()
    }

    /// The exit code (128 + signal when killed), nil while running.
    var exitCode: Int32? { exitStatus.withLock { $0 } }

    /// Sends `signal` to the child's whole process group.
    func signalGroup(_ signal: Int32) {
        if exitCode == nil { kill(-pid, signal) }
    }

    /// SIGINT to the group; SIGTERM after `grace`; SIGKILL after another `grace`.
    func stop(grace: Duration = .seconds(5)) async {
        await ProcessTermination.escalate(
            [SIGINT, SIGTERM, SIGKILL].map { .init($0, wait: grace) }, send: signalGroup, isGone: { exitCode != nil })
    }
}
