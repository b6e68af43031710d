import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Starts a program that outlives us: in a session of its own (no controlling terminal, its own
/// process group), stdin from `/dev/null`, stdout and stderr appended to files, and no other
/// descriptor of ours. swift-subprocess ties a child's lifetime to a scope, which is right for
/// everything but this (`headnet up` returns while the nodes it started keep running), so this
/// is the one hand-written `posix_spawn`.
public enum DetachedProcess {
    /// Starts `spec` (its `isolation` is ignored: always a new session) and returns its pid.
    ///
    /// - Throws: ``ProcessError`` `cannotStart`.
    public static func spawn(_ spec: ProcessSpec, standardOutput: URL, standardError: URL) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, standardError.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        closeInheritedDescriptors(in: &actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (0x80, glibc ≥ 2.26) is not imported into Swift.
        posix_spawnattr_setflags(&attributes, Int16(0x80 | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        // Signals we ignore (a ServiceGroup ignores SIGINT/SIGTERM to handle them itself) would
        // stay ignored in the child: reset them.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var environment = ProcessInfo.processInfo.environment
        for (name, value) in spec.environment { environment[name] = value ?? nil }
        let argv = ([spec.executable] + spec.arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result: Int32
        if let directory = spec.workingDirectory {
            // posix_spawn_file_actions_addchdir_np is not imported into Swift either: let a shell
            // change directory, then exec the program in its place.
            let shell = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory.path, spec.executable] + spec.arguments
            let shellArgv = shell.map { strdup($0) } + [nil]
            defer { shellArgv.forEach { free($0) } }
            result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, shellArgv, envp)
        } else {
            result = posix_spawnp(&pid, spec.executable, &actions, &attributes, argv, envp)
        }
        guard result == 0 else {
            throw spec.cannotStart(POSIXErrorCode(rawValue: result).map { POSIXError($0) } ?? POSIXError(.EINVAL))
        }
        return pid
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    /// Adds "close every descriptor from 3 on": glibc's `posix_spawn_file_actions_addclosefrom_np`
    /// when present, else a close for each descriptor open now.
    private static func closeInheritedDescriptors(in actions: inout posix_spawn_file_actions_t) {
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
            if closeFrom(&actions, 3) == 0 { return }
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap(Int32.init) where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }
}
