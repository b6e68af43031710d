import Foundation

/// Reads a node's log file (`node.log`), or lines out of its trace (`trace.ndjson`): etcd's own
/// log lines, or the network component's events made readable; optionally following the file
/// as it grows.
public struct NodeLogReader: Sendable {
    /// What to show.
    public enum Mode: Sendable, Hashable {
        /// The node's log as it is.
        case log
        /// etcd's own log lines (the `etcd` object of `EtcdLog` trace entries).
        case etcd
        /// The component's events (broadcast, delivered, connectivity, …), one readable line
        /// each; senders named by the map from advertised address to node name.
        case trace(names: [String: String])
    }

    /// The file to read.
    public let file: URL
    /// What to show.
    public let mode: Mode

    /// A reader of `file`.
    public init(file: URL, mode: Mode) {
        self.file = file
        self.mode = mode
    }

    /// Hands each line to `onLine`; with `follow`, keeps reading new lines every 200 ms until
    /// the task is cancelled.
    ///
    /// - Throws: ``OrchestratorError`` `state` when the file does not exist.
    public func read(follow: Bool, _ onLine: (String) -> Void) async throws {
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            throw OrchestratorError(.state, "\(file.path) does not exist yet; has the node been started (`headnet up`)?")
        }
        defer { try? handle.close() }
        var pending = Data()
        while true {
            pending.append(handle.readDataToEndOfFile())
            while let newline = pending.firstIndex(of: 0x0a) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                if let shown = show(line) { onLine(shown) }
            }
            guard follow, !Task.isCancelled else { return }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The line as shown, nil to skip it.
    func show(_ line: String) -> String? {
        switch mode {
        case .log: return line
        case .trace(let names): return TraceFormatter(names: names).format(line)
        case .etcd:
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["tag"] as? String == "EtcdLog", let inner = object["etcd"],
                let data = try? JSONSerialization.data(withJSONObject: inner, options: [.sortedKeys])
            else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
