import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion with `posix_spawn` and `waitpid`, its standard output and error
/// captured in a file. Unlike Foundation's `Process`, it does not depend on SIGCHLD delivery to
/// reap the child, and it cannot hang on a pipe held open by grandchildren that outlive it (a
/// command such as `headnet up` leaves background processes behind on purpose).
public enum Command {
    /// The outcome of a run.
    public struct Result: Sendable {
        /// The exit code, or 128 + the signal number when the program was killed.
        public var status: Int32
        /// Standard output and standard error, interleaved.
        public var output: String

        /// Creates a result.
        public init(status: Int32, output: String) {
            self.status = status
            self.output = output
        }
    }

    /// Runs `executable` (a path, or a name looked up in `PATH`) with `arguments` in `directory`
    /// (the current one when nil) and `environment` (ours when nil); waits for it on a thread of
    /// its own so that no concurrency thread blocks. `missingHint` says how to install the program.
    public static func run(
        _ executable: String, _ arguments: [String], directory: URL? = nil, environment: [String: String]? = nil,
        missingHint: String? = nil
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Swift.Result {
                    try runBlocking(executable, arguments, directory: directory, environment: environment, missingHint: missingHint)
                })
            }
            thread.name = "command-wait"
            thread.start()
        }
    }

    /// ``run(_:_:directory:environment:missingHint:)`` for synchronous callers: blocks the calling
    /// thread until the program exits.
    public static func runBlocking(
        _ executable: String, _ arguments: [String], directory: URL? = nil, environment: [String: String]? = nil,
        missingHint: String? = nil
    ) throws -> Result {
        let capture = captureFile()
        defer { try? FileManager.default.removeItem(at: capture) }
        let pid = try spawn(executable, arguments, directory: directory, environment: environment, output: capture, missingHint: missingHint)
        let status = wait(for: pid)
        return Result(status: status, output: (try? String(contentsOf: capture, encoding: .utf8)) ?? "")
    }

    /// An executable SwiftPM built next to the running test bundle (`.build/<config>/<name>`);
    /// `$<NAME>_BINARY` (upper case) overrides it.
    public static func builtExecutable(_ name: String) throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["\(name.uppercased())_BINARY"] { return explicit }
        let candidate = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw EtcdTestingError(.binaryMissing, "no \(name) binary at \(candidate.path); run `swift build` first (make test does)")
        }
        return candidate.path
    }

    private static func captureFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("command-\(UUID().uuidString).out")
    }

    /// Reaps `pid`; its exit code, or 128 + the signal that killed it.
    private static func wait(for pid: pid_t) -> Int32 {
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        return (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
    }

    private static func spawn(
        _ executable: String, _ arguments: [String], directory: URL?, environment: [String: String]?, output: URL,
        missingHint: String?
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var program = executable
        var argv = [executable] + arguments
        if let directory {
            // posix_spawn_file_actions_addchdir_np is not imported into Swift: let a shell change
            // directory, then exec the program in its place.
            program = "/bin/sh"
            argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory.path, executable] + arguments
        }
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, program, &actions, nil, cArguments, cEnvironment)
        guard result == 0 else {
            throw EtcdTestingError(
                .binaryMissing, "cannot run \(executable): \(String(cString: strerror(result)))" + (missingHint.map { "; \($0)" } ?? ""))
        }
        return pid
    }
}
