import Foundation

/// A file holding a process id, checked against the process's command line so that a reused pid
/// is never taken for ours.
public struct PIDFile: Sendable, Hashable {
    /// What the file says.
    public enum State: Sendable, Hashable {
        /// No file (or no number in it).
        case none
        /// The process runs and its command line matches.
        case running(Int32)
        /// The process is gone, a zombie, or another program.
        case stale(Int32)
    }

    /// The file.
    public let file: URL

    /// A pid file at `file`.
    public init(_ file: URL) {
        self.file = file
    }

    /// The pid written in the file, if any.
    public var pid: Int32? {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)).flatMap { $0 > 1 ? $0 : nil }
    }

    /// Reads the file; `matches` decides from the process's arguments (`/proc/<pid>/cmdline`)
    /// whether it is the process the file was written for.
    public func state(matching matches: ([String]) -> Bool) -> State {
        guard let pid else { return .none }
        guard let arguments = ProcessControl.commandLine(pid), matches(arguments), !ProcessControl.isZombie(pid) else {
            return .stale(pid)
        }
        return .running(pid)
    }

    /// Records `pid` (written to a temporary file, then renamed over the file).
    public func write(_ pid: Int32) throws {
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("\(pid)\n".utf8).write(to: file, options: .atomic)
        } catch {
            throw ProcessError(.io, "cannot write the pid file \(file.path); check the directory's permissions", cause: error)
        }
    }

    /// Deletes the file (nothing happens when it is absent).
    public func remove() {
        try? FileManager.default.removeItem(at: file)
    }
}
