import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One etcd member: its fixed identity (name, ports, data dir) and, while it runs, its process.
/// Logs (etcd's stderr, JSON lines) are kept in memory and appended to `<dir>/etcd.log`.
final class EtcdMemberProcess: Sendable {
    let name: String
    let clientPort: Int
    let peerPort: Int
    let directory: URL
    private let state = Mutex<State>(State())

    private struct State: @unchecked Sendable {
        var process: Process?
        var lines: [String] = []
        var partial = Data()
        var readyCount = 0
        var logFile: FileHandle?
    }

    let secure: Bool

    init(name: String, clientPort: Int, peerPort: Int, directory: URL, secure: Bool) {
        self.secure = secure
        self.name = name
        self.clientPort = clientPort
        self.peerPort = peerPort
        self.directory = directory
    }

    var clientURL: String { "\(secure ? "https" : "http")://127.0.0.1:\(clientPort)" }
    var peerURL: String { "http://127.0.0.1:\(peerPort)" }
    var dataDir: URL { directory.appendingPathComponent("data") }

    var pid: pid_t? { state.withLock { $0.process.map { $0.processIdentifier } } }
    var isRunning: Bool { state.withLock { $0.process?.isRunning ?? false } }
    var lines: [String] { state.withLock { $0.lines } }
    var readyCount: Int { state.withLock { $0.readyCount } }

    /// Starts the process; returns at once (see ``waitUntilReady(after:timeout:)``).
    func start(binary: String, arguments: [String], environment: [String: String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice

        let logPath = directory.appendingPathComponent("etcd.log").path
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let logFile = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try logFile.seekToEnd()
        state.withLock { $0.logFile = logFile }

        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            self?.consume(data)
        }
        do {
            try process.run()
        } catch {
            throw EtcdTestingError(.binaryMissing, "could not start \(binary): \(error); install it with `apt-get install etcd-server`", cause: error)
        }
        ChildRegistry.add(process.processIdentifier)
        state.withLock { $0.process = process }
    }

    private func consume(_ data: Data) {
        state.withLock { state in
            try? state.logFile?.write(contentsOf: data)
            state.partial.append(data)
            while let newline = state.partial.firstIndex(of: 0x0a) {
                let line = String(decoding: state.partial[state.partial.startIndex..<newline], as: UTF8.self)
                state.partial.removeSubrange(state.partial.startIndex...newline)
                state.lines.append(line)
                if Self.isReadyLine(line) { state.readyCount += 1 }
            }
        }
    }

    /// Whether a log line says the member serves clients: etcd 3.4 logs "ready to serve client
    /// requests" with its default logger and "serving client traffic (in)securely" with zap.
    static func isReadyLine(_ line: String) -> Bool {
        line.contains("ready to serve client requests") || line.contains("serving client traffic")
    }

    /// Waits until the member has logged that it is ready more often than
    /// `previousReadyCount`; fails when the process exits first or the deadline passes.
    func waitUntilReady(after previousReadyCount: Int, timeout: Duration) async throws {
        try await poll(timeout: timeout, what: "\(name) to log 'ready to serve client requests'") {
            if self.readyCount > previousReadyCount { return true }
            if !self.isRunning {
                throw EtcdTestingError(.notReady, "etcd member \(self.name) exited while starting. Last log lines:\n\(self.tail())")
            }
            return false
        }
    }

    /// Sends `signal` to the running process (no-op when it is not running).
    func send(_ signal: Int32) {
        if let pid, isRunning { kill(pid, signal) }
    }

    /// Waits until the process has exited, then forgets it.
    func waitForExit(timeout: Duration) async throws {
        try await poll(timeout: timeout, what: "\(name) to exit") { !self.isRunning }
        reap()
    }

    /// Forgets an exited process and closes the log file.
    func reap() {
        state.withLock { state in
            if let process = state.process, !process.isRunning {
                ChildRegistry.remove(process.processIdentifier)
                state.process = nil
                try? state.logFile?.close()
                state.logFile = nil
            }
        }
    }

    /// The last `count` log lines, joined.
    func tail(_ count: Int = 30) -> String {
        lines.suffix(count).joined(separator: "\n")
    }
}

/// Polls `condition` every 20 ms until it is true or `timeout` passes.
func poll(timeout: Duration, what: String, _ condition: () throws -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
        if try condition() { return }
        if clock.now >= deadline {
            throw EtcdTestingError(.notReady, "timed out after \(timeout) waiting for \(what)")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
