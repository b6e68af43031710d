import Foundation
import Testing

@testable import ClusterSpec

/// What `headnet init` writes, and the README's table of the keys the reader accepts.
@Suite struct SpecWriterTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: [false, true])
    func theTLSCommentDescribesTheValueWritten(tls: Bool) throws {
        let text = SpecWriter.devnet(tls: tls)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("tls:") })
        let parts = line.split(separator: "#", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let value = tls ? "on" : "auto"
        #expect(parts.first == "tls: \(value)")
        #expect(parts.last?.hasPrefix("\(value): ") == true, "the comment describes `\(value)`: \(line)")
        #expect(line.firstIndex(of: "#").map { line.distance(from: line.startIndex, to: $0) } == 22, "the comments' column: \(line)")
        #expect(try SpecReader.parse(text, checkBinaries: false).tlsEnabled == tls)
    }

    @Test func devnetNodesAndTheirPorts() {
        let nodes = SpecWriter.devnetNodes(12, firstListenPort: 6001)
        #expect(nodes.first?.name == "alice" && nodes[9].name == "judy" && nodes[10].name == "node11")
        #expect(nodes.last?.listen.description == "127.0.0.1:6012")
        #expect(SpecWriter.ports(of: nodes[0]).map(\.port) == [6001, 3379, 5001])
    }

    @Test func theReadmeListsEveryKeyTheReaderAccepts() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let rows = readme.split(separator: "\n").filter { $0.hasPrefix("| `") }
        let listed = Set(rows.compactMap { row in row.split(separator: "`").dropFirst().first.map(String.init) })
        let missing = SpecReader.keyPaths.filter { !listed.contains($0) }
        #expect(missing.isEmpty, "README's spec keys table lacks \(missing)")
        #expect(SpecReader.keyPaths.contains("hosts[].ssh.identityFile") && SpecReader.keyPaths.contains("nodes[].host"))
        #expect(SpecReader.keyPaths.count == 33)
    }
}
