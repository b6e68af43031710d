import Foundation
import Logging
import NodeService
import Testing

/// The node's trace output on a full disk.
@Suite struct TraceOutputTests {
    /// `/dev/full` answers every write with ENOSPC, as a full disk under `trace.ndjson` does:
    /// the lines are dropped and the node goes on (Foundation's `write(_:)` trapped there).
    @Test func aFullDiskDropsTraceLinesInsteadOfStoppingTheNode() throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        defer { try? full.close() }
        let trace = TraceOutput(full, logger: Logger(label: "test"))
        for index in 0..<3 { trace.write(#"{"line":\#(index)}"#) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-trace-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: file.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: file) }
        let handle = try FileHandle(forWritingTo: file)
        TraceOutput(handle, logger: Logger(label: "test")).write("one")
        try handle.close()
        #expect(try String(contentsOf: file, encoding: .utf8) == "one\n")
    }
}
