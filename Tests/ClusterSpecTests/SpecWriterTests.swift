import Foundation
import Testing

@testable import ClusterSpec

/// What `headnet init` writes, and the README's table of the keys the reader accepts.
@Suite struct SpecWriterTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theReadmeListsEveryKeyTheReaderAccepts() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let rows = readme.split(separator: "\n").filter { $0.hasPrefix("| `") }
        let listed = Set(rows.compactMap { row in row.split(separator: "`").dropFirst().first.map(String.init) })
        let missing = SpecReader.keyPaths.filter { !listed.contains($0) }
        #expect(missing.isEmpty, "README's spec keys table lacks \(missing)")
        #expect(SpecReader.keyPaths.contains("hosts[].ssh.identityFile") && SpecReader.keyPaths.contains("nodes[].host"))
        #expect(SpecReader.keyPaths.count == 32)
    }
}
