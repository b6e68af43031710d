import Foundation
import Processes

/// `etcdctl` (v3 API) for what it does offline on snapshot files: `snapshot status` (bbolt's
/// consistency check, the revision) and `snapshot restore` (a member's data directory).
public struct Etcdctl: Sendable {
    /// What `etcdctl snapshot status -w json` says of a file.
    public struct SnapshotStatus: Sendable, Hashable, Decodable {
        /// etcd's hash of the file's key-value data (not the sha256).
        public var hash: UInt32
        /// The newest revision in the file.
        public var revision: Int64
        /// Entries in all of the database's buckets (every revision of every key, and etcd's own
        /// records): not the number of keys.
        public var totalKey: Int
        /// The database's size in bytes.
        public var totalSize: Int64
    }

    /// The program: a path, or a name looked up on PATH.
    public let executable: String

    /// `etcdctl` beside `etcdBinary` when that is a path with an `etcdctl` next to it, else on PATH.
    public init(besides etcdBinary: String = "etcd") {
        let sibling = URL(fileURLWithPath: etcdBinary).deletingLastPathComponent().appendingPathComponent("etcdctl").path
        executable = etcdBinary.contains("/") && FileManager.default.isExecutableFile(atPath: sibling) ? sibling : "etcdctl"
    }

    /// The program `executable` (a path, or a name looked up on PATH).
    public init(executable: String) {
        self.executable = executable
    }

    /// Runs etcdctl with `arguments` and `ETCDCTL_API=3` (its standard output and error, interleaved).
    ///
    /// - Throws: ``OrchestratorError`` `tool` when etcdctl cannot be started.
    public func run(_ arguments: [String]) async throws(OrchestratorError) -> Command.Result {
        do {
            return try await Command.run(ProcessSpec(
                executable, arguments, environment: ["ETCDCTL_API": "3"],
                missingHint: "install it with `apt-get install etcd-client` (Debian's etcd 3.4 ships `etcdctl snapshot restore`)"))
        } catch let error as ProcessError {
            throw OrchestratorError(.tool, error.message, cause: error.cause)
        } catch {
            throw OrchestratorError(.tool, "cannot run \(executable)", cause: error)
        }
    }

    /// `etcdctl snapshot status FILE -w json`.
    ///
    /// - Throws: ``OrchestratorError`` `snapshot` when etcdctl fails on the file (it is not a
    ///   database, or bbolt finds it inconsistent); `tool` when etcdctl cannot be started.
    public func snapshotStatus(_ path: String) async throws(OrchestratorError) -> SnapshotStatus {
        let result = try await run(["snapshot", "status", path, "-w", "json"])
        guard result.status.isSuccess else {
            throw OrchestratorError(.snapshot, "`etcdctl snapshot status \(path)` \(result.status): \(Self.lastLines(result.output))")
        }
        // Only the JSON line: etcdctl may log on standard error, which comes interleaved.
        for line in result.output.split(separator: "\n").reversed() where line.hasPrefix("{") && line.contains("\"revision\"") {
            if let status = try? JSONDecoder().decode(SnapshotStatus.self, from: Data(line.utf8)) { return status }
        }
        throw OrchestratorError(.snapshot, "`etcdctl snapshot status \(path)` printed no status: \(Self.lastLines(result.output))")
    }

    /// The last few lines of etcdctl's output, for an error message.
    public static func lastLines(_ output: String, count: Int = 3) -> String {
        output.split(separator: "\n").suffix(count).joined(separator: " | ")
    }
}
