import Foundation
import Processes
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Real etcd members for tests: 1 or N members on free loopback ports, each in its own temporary
/// directory, started from the etcd binary on the machine (Debian's `etcd-server`).
///
/// Prefer ``withCluster(members:configuration:_:)``, which always kills the processes and removes
/// the directories, also when the test body throws.
public final class EtcdCluster: Sendable {
    /// How members are started.
    public struct Configuration: Sendable {
        /// Path of the etcd binary; nil: `$ETCD_BINARY`, then `etcd` on `PATH`, then /usr/bin/etcd.
        public var binary: String?
        /// Raft heartbeat interval in milliseconds.
        public var heartbeatMs: Int
        /// Raft election timeout in milliseconds.
        public var electionMs: Int
        /// How long to wait for every member to be ready.
        public var readyTimeout: Duration
        /// Extra command-line flags for every member, e.g. `--auto-compaction-retention=1000`.
        public var extraArguments: [String]
        /// Extra environment variables for every member.
        public var environment: [String: String]
        /// Serve clients over TLS with these certificates and require client certificates
        /// signed by `pki.caFile`; endpoints become `https://`.
        public var tls: TestPKI?

        /// Creates a configuration; the defaults give fast elections on loopback.
        public init(
            binary: String? = nil, heartbeatMs: Int = 50, electionMs: Int = 500, readyTimeout: Duration = .seconds(30),
            extraArguments: [String] = [], environment: [String: String] = [:], tls: TestPKI? = nil
        ) {
            self.tls = tls
            self.binary = binary
            self.heartbeatMs = heartbeatMs
            self.electionMs = electionMs
            self.readyTimeout = readyTimeout
            self.extraArguments = extraArguments
            self.environment = environment
        }
    }

    /// A member's identity, for tests.
    public struct Member: Sendable, Hashable {
        /// Member name (`m0`, `m1`, ...).
        public var name: String
        /// Client URL, e.g. `http://127.0.0.1:40123`.
        public var clientURL: String
        /// Peer URL.
        public var peerURL: String
        /// The member's data directory.
        public var dataDir: String
        /// The running process's pid, nil when stopped.
        public var pid: Int32?
    }

    /// The configuration the cluster was started with.
    public let configuration: Configuration
    /// The temporary directory holding every member's directory.
    public let root: URL
    private let binary: String
    private let token: String
    private let processes: [EtcdMemberProcess]
    private let isShutDown = Mutex(false)

    private init(members: Int, configuration: Configuration) throws {
        precondition(members >= 1, "a cluster needs at least one member")
        self.configuration = configuration
        self.binary = try Self.locateBinary(configuration.binary)
        self.token = "headnet-test-\(UUID().uuidString.prefix(8))"
        self.root = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-etcd-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw EtcdTestingError(.io, "cannot create \(root.path)", cause: error)
        }
        let ports: [Int]
        do {
            ports = try Ports.pickFree(2 * members)
        } catch {
            throw EtcdTestingError(.noFreePort, "no free ports for \(members) etcd members", cause: error)
        }
        var processes: [EtcdMemberProcess] = []
        for index in 0..<members {
            let directory = root.appendingPathComponent("m\(index)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            processes.append(EtcdMemberProcess(
                name: "m\(index)", clientPort: ports[2 * index], peerPort: ports[2 * index + 1], directory: directory,
                secure: configuration.tls != nil))
        }
        self.processes = processes
    }

    /// Starts `members` members and waits until every one is ready to serve clients.
    public static func start(members: Int = 1, configuration: Configuration = Configuration()) async throws -> EtcdCluster {
        let cluster = try EtcdCluster(members: members, configuration: configuration)
        do {
            // Every member must run before any can elect a leader and say it serves clients.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in cluster.processes.indices { group.addTask { try await cluster.launch(index) } }
                try await group.waitForAll()
            }
            return cluster
        } catch {
            await cluster.shutdown()
            throw error
        }
    }

    /// Runs `body` with a started cluster and always shuts it down afterwards.
    public static func withCluster<Result: Sendable>(
        members: Int = 1, configuration: Configuration = Configuration(), _ body: (EtcdCluster) async throws -> Result
    ) async throws -> Result {
        let cluster = try await start(members: members, configuration: configuration)
        do {
            let result = try await body(cluster)
            await cluster.shutdown()
            return result
        } catch {
            await cluster.shutdown()
            throw error
        }
    }

    /// Client URLs of every member, in member order.
    public var endpoints: [String] { processes.map(\.clientURL) }

    /// Client URL of one member.
    public func endpoint(_ member: Int) -> String { processes[member].clientURL }

    /// Every member's identity and pid.
    public var members: [Member] {
        processes.map {
            Member(name: $0.name, clientURL: $0.clientURL, peerURL: $0.peerURL, dataDir: $0.dataDir.path, pid: $0.pid)
        }
    }

    /// Whether a member's process is running (a paused one counts as running).
    public func isRunning(_ member: Int) -> Bool { processes[member].isRunning }

    /// The member's log lines so far (etcd's JSON log).
    public func logs(_ member: Int) -> [String] { processes[member].lines }

    /// Kills a member with SIGKILL and waits until it has exited.
    public func kill(_ member: Int) async throws {
        let process = processes[member]
        process.send(SIGCONT)
        process.send(SIGKILL)
        guard await process.waitForExit(timeout: .seconds(10)) else {
            throw EtcdTestingError(.notReady, "etcd member \(process.name) still runs 10 s after SIGKILL")
        }
    }

    /// Stops a member with SIGINT, waits up to `grace` for it to exit, then kills it.
    public func stop(_ member: Int, grace: Duration = .seconds(5)) async throws {
        let process = processes[member]
        process.send(SIGCONT)
        process.send(SIGINT)
        if await !process.waitForExit(timeout: grace) {
            try await kill(member)
        }
    }

    /// Freezes a member with SIGSTOP: its sockets stay open but it answers nothing.
    public func pause(_ member: Int) { processes[member].send(SIGSTOP) }

    /// Thaws a member paused with ``pause(_:)``.
    public func resume(_ member: Int) { processes[member].send(SIGCONT) }

    /// Starts a stopped or killed member again with the same name, ports and data, and waits
    /// until it is ready.
    public func restart(_ member: Int) async throws {
        if processes[member].isRunning { try await stop(member) }
        try await launch(member)
    }

    /// Waits until the member logs a line containing `text` (also matching earlier lines).
    public func waitForLog(_ member: Int, containing text: String, timeout: Duration = .seconds(10)) async throws {
        try await eventually("\(processes[member].name) to log '\(text)'", timeout: timeout) {
            processes[member].lines.contains { $0.contains(text) }
        }
    }

    /// Kills every member and removes the temporary directories. Safe to call more than once.
    public func shutdown() async {
        guard isShutDown.withLock({ done in defer { done = true }; return !done }) else { return }
        for index in processes.indices { try? await kill(index) }
        try? FileManager.default.removeItem(at: root)
    }

    /// Runs etcdctl (API v3) against every member and returns its exit status and output.
    public func etcdctl(_ arguments: [String], endpoints: [String]? = nil) async throws -> Command.Result {
        let etcdctl = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("etcdctl").path
        var environment: [String: String?] = ["ETCDCTL_API": "3"]
        if let tls = configuration.tls {
            environment["ETCDCTL_CACERT"] = tls.caFile
            environment["ETCDCTL_CERT"] = tls.clientCertFile
            environment["ETCDCTL_KEY"] = tls.clientKeyFile
        }
        return try await Command.run(ProcessSpec(
            FileManager.default.isExecutableFile(atPath: etcdctl) ? etcdctl : "/usr/bin/etcdctl",
            ["--endpoints=\((endpoints ?? self.endpoints).joined(separator: ","))"] + arguments,
            environment: environment, missingHint: "install it with `apt-get install etcd-client`"))
    }

    private var tlsArguments: [String] {
        guard let tls = configuration.tls else { return [] }
        return [
            "--cert-file", tls.serverCertFile, "--key-file", tls.serverKeyFile,
            "--trusted-ca-file", tls.caFile, "--client-cert-auth",
        ]
    }

    private func launch(_ index: Int) async throws {
        let process = processes[index]
        let initialCluster = processes.map { "\($0.name)=\($0.peerURL)" }.joined(separator: ",")
        let arguments = [
            "--name", process.name,
            "--data-dir", process.dataDir.path,
            "--listen-client-urls", process.clientURL,
            "--advertise-client-urls", process.clientURL,
            "--listen-peer-urls", process.peerURL,
            "--initial-advertise-peer-urls", process.peerURL,
            "--initial-cluster", initialCluster,
            "--initial-cluster-state", "new",
            "--initial-cluster-token", token,
            "--heartbeat-interval", String(configuration.heartbeatMs),
            "--election-timeout", String(configuration.electionMs),
            "--logger", "zap",
            "--log-outputs", "stderr",
        ] + tlsArguments + configuration.extraArguments
        try await process.start(
            binary: binary, arguments: arguments, environment: configuration.environment, timeout: configuration.readyTimeout)
    }

    private static func locateBinary(_ explicit: String?) throws -> String {
        var candidates: [String] = []
        if let explicit { candidates.append(explicit) }
        if let env = ProcessInfo.processInfo.environment["ETCD_BINARY"] { candidates.append(env) }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(dir)/etcd")
        }
        candidates.append("/usr/bin/etcd")
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            return found
        }
        throw EtcdTestingError(.binaryMissing, "no etcd binary found (looked at \(candidates.joined(separator: ", "))); install it with `apt-get install etcd-server` or set ETCD_BINARY")
    }
}
