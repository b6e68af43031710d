import ClusterSpec
import Foundation
import HeadNetwork

#if canImport(Glibc)
import Glibc
#endif

/// Runs a cluster's nodes as background processes on this machine: `headnet node --spec --name`
/// started in its own session (detached from the terminal), with a pid file and log files in
/// the node's state directory.
public struct LocalRunner: Sendable {
    /// The cluster's state layout.
    public let layout: StateLayout
    /// The spec file the nodes are started with (absolute).
    public let specPath: String
    /// The `headnet` executable.
    public let executable: String

    /// Creates a runner.
    public init(layout: StateLayout, specPath: String, executable: String) {
        self.layout = layout
        self.specPath = URL(fileURLWithPath: specPath).standardizedFileURL.path
        self.executable = executable
    }

    /// The path of the running executable (`/proc/self/exe`, else `argv[0]`).
    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// `<node>/node.pid`.
    public func pidFile(_ node: NodeSpec) -> URL { layout.nodeDirectory(node).appendingPathComponent("node.pid") }
    /// `<node>/node.log`: the node's log (standard error).
    public func logFile(_ node: NodeSpec) -> URL { layout.nodeDirectory(node).appendingPathComponent("node.log") }
    /// `<node>/trace.ndjson`: the network component's trace, etcd's own log lines included.
    public func traceFile(_ node: NodeSpec) -> URL { layout.nodeDirectory(node).appendingPathComponent("trace.ndjson") }

    /// What the pid file says about a node.
    public enum PIDState: Sendable, Equatable {
        /// No pid file.
        case none
        /// The node runs with this pid.
        case running(Int32)
        /// A pid file whose process is gone or is not this node.
        case stale(Int32)
    }

    /// Reads the node's pid file and checks the process is this node.
    public func pidState(_ node: NodeSpec) -> PIDState {
        guard let text = try? String(contentsOf: pidFile(node), encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return .none }
        guard let cmdline = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return .stale(pid) }
        let arguments = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        let isNode = arguments.contains("node") && arguments.contains(node.name) && arguments.contains(specPath)
        return isNode && !ProcessTermination.isZombie(pid) ? .running(pid) : .stale(pid)
    }

    /// Starts the node detached; returns its pid.
    public func start(_ node: NodeSpec) throws -> Int32 {
        let directory = layout.nodeDirectory(node)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let arguments = [executable, "node", "--spec", specPath, "--name", node.name,
                         "--state-dir", layout.clusterDirectory.deletingLastPathComponent().path]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, traceFile(node).path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, logFile(node).path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        // `up`'s own connections and sockets stay out of the long-lived node.
        InheritedDescriptors.close(in: &actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (0x80, glibc ≥ 2.26) is not imported into Swift: its own session detaches
        // the node from our terminal.
        posix_spawnattr_setflags(&attributes, Int16(0x80 | POSIX_SPAWN_SETSIGMASK))
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw DeployError(.start, "cannot start node \(node.name) (\(executable)): \(String(cString: strerror(result)))")
        }
        try "\(pid)\n".write(to: pidFile(node), atomically: true, encoding: .utf8)
        return pid
    }

    /// SIGINT; SIGTERM after `grace`; SIGKILL after another `grace`. Returns when it is gone.
    public func stop(pid: Int32, grace: Duration = .seconds(5)) async {
        // The node spends up to 5 s + 5 s stopping its etcd after SIGTERM.
        await ProcessTermination.escalate(
            [.init(SIGINT, wait: grace), .init(SIGTERM, wait: grace + .seconds(5)), .init(SIGKILL, wait: .seconds(5))],
            send: { kill(pid, $0) }, isGone: { !ProcessTermination.isAlive(pid) })
    }

    /// The last `count` lines of a file.
    public static func tail(_ file: URL, lines count: Int) -> [String] {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return Array(text.split(separator: "\n", omittingEmptySubsequences: false).suffix(count + 1).dropLast(text.hasSuffix("\n") ? 1 : 0))
            .map(String.init)
    }

    /// Whether `port` can be bound on `host` right now (IPv4 literals and wildcard; others: true).
    public static func isPortFree(host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else { return true }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// Every port of `node` that is taken now: (what, port).
    public static func busyPorts(_ node: NodeSpec) -> [(String, Int)] {
        var busy: [(String, Int)] = []
        if !isPortFree(host: node.listen.host, port: node.listen.port) { busy.append(("peer (listen)", node.listen.port)) }
        if !isPortFree(host: "127.0.0.1", port: node.clientPort) { busy.append(("etcd client", node.clientPort)) }
        if !isPortFree(host: "127.0.0.1", port: node.apiPort) { busy.append(("api", node.apiPort)) }
        return busy
    }
}
