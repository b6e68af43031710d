import EtcdClient
import Foundation
import Processes
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One etcd member: its fixed identity (name, ports, data dir) and, while it runs, its process.
/// Its output (etcd's JSON log) is kept in memory and appended to `<dir>/etcd.log`.
final class EtcdMemberProcess: Sendable {
    let name: String
    let clientPort: Int
    let peerPort: Int
    let directory: URL
    let secure: Bool
    private let state = Mutex(State())

    private struct State {
        var child: ChildProcess?
        var reader: Task<Void, Never>?
        var lines: [String] = []
    }

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

    var pid: Int32? { state.withLock { $0.child?.pid } }
    /// Whether the process runs (a paused one counts as running).
    var isRunning: Bool { state.withLock { $0.child.map { $0.exitStatus == nil } ?? false } }
    var lines: [String] { state.withLock { $0.lines } }

    /// Starts etcd and waits until it logs that it serves clients; fails when it exits first or
    /// `timeout` passes.
    func start(binary: String, arguments: [String], environment: [String: String], timeout: Duration) async throws {
        let child: ChildProcess
        do {
            child = try await ChildProcess.start(
                ProcessSpec(binary, arguments, environment: environment.mapValues { $0 }, workingDirectory: directory,
                            missingHint: "install it with `apt-get install etcd-server`"),
                output: .lines, stop: .kill)
        } catch {
            throw EtcdTestingError(.binaryMissing, "could not start etcd member \(name)", cause: error)
        }
        ChildRegistry.add(child.pid)
        let (readiness, ready) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let log = directory.appendingPathComponent("etcd.log")
        // An unstructured reader, required by the shape of ``EtcdCluster/start(members:configuration:)``:
        // it returns members that keep running, whose output must be read (logged, kept, watched
        // for readiness) until they exit, beyond this call. The member owns the task: it ends
        // when the child's output closes (the child exited), and ``waitForExit(timeout:)``
        // awaits it, as ``EtcdCluster/shutdown()`` does for every member.
        let reader = Task { [self] in
            let file = FileHandle.appending(to: log)
            for await line in child.lines {
                try? file?.write(contentsOf: Data((line + "\n").utf8))
                state.withLock { $0.lines.append(line) }
                if EtcdServerLog.isReady(line) { ready.yield() }
            }
            try? file?.close()
            ready.finish()
        }
        state.withLock { state in
            state.child = child
            state.reader = reader
        }
        let outcome = await withTaskGroup(of: Bool?.self) { group in
            group.addTask {
                for await _ in readiness { return true }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return await group.next() ?? nil
        }
        switch outcome {
        case true: return
        case false: throw EtcdTestingError(.notReady, "etcd member \(name) exited while starting. Last log lines:\n\(tail())")
        default: throw EtcdTestingError(.notReady, "etcd member \(name) did not log that it serves clients within \(timeout). Last log lines:\n\(tail())")
        }
    }

    /// Sends `signal` to the running process (nothing when it is not running).
    func send(_ signal: Int32) {
        state.withLock { $0.child }?.signal(signal)
    }

    /// Waits at most `timeout` for the process to exit, then forgets it; false when it still runs.
    func waitForExit(timeout: Duration) async -> Bool {
        guard let (child, reader) = state.withLock({ state in state.child.map { ($0, state.reader) } }) else { return true }
        guard await child.waitForExit(timeout: timeout) != nil else { return false }
        await reader?.value
        ChildRegistry.remove(child.pid)
        state.withLock { state in
            if state.child === child {
                state.child = nil
                state.reader = nil
            }
        }
        return true
    }

    /// The last `count` log lines, joined.
    func tail(_ count: Int = 30) -> String {
        lines.suffix(count).joined(separator: "\n")
    }
}

extension FileHandle {
    /// A handle appending to `url`, creating the file; nil when it cannot be opened.
    static func appending(to url: URL) -> FileHandle? {
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let handle = try? FileHandle(forWritingTo: url)
        _ = try? handle?.seekToEnd()
        return handle
    }
}
