import HeadnetCore
import Testing

@testable import ClusterSpec

@Suite struct SpecWarningTests {
    static func spec(nodes count: Int) -> String {
        let nodes = (0..<count).map { "  - {name: n\($0), listen: 127.0.0.1:\(5001 + $0)}" }
        return "apiVersion: headnet/v1\nname: x\nnodes:\n" + nodes.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [(2, 2, 0), (4, 3, 1), (6, 4, 2)])
    func evenMemberCountWarns(count: Int, quorum: Int, tolerated: Int) throws {
        let check = try SpecReader.check(Self.spec(nodes: count), checkBinaries: false)
        #expect(check.spec.nodes.count == count, "a warning does not make the spec invalid")
        let warning = try #require(check.warnings.first)
        #expect(check.warnings.count == 1)
        #expect(warning.path == "nodes" && warning.line == 4)
        #expect(warning.message.contains("\(count) nodes (an even number) tolerate no more failures than \(count - 1)"), "\(warning)")
        #expect(warning.message.contains("quorum is \(quorum)"), "\(warning)")
        #expect(warning.message.contains(tolerated == 0 ? "no node may fail" : "\(tolerated) node"), "\(warning)")
    }

    @Test(arguments: [1, 3, 5])
    func oddMemberCountDoesNotWarn(count: Int) throws {
        #expect(try SpecReader.check(Self.spec(nodes: count), checkBinaries: false).warnings.isEmpty)
    }

    @Test func warningsComeFromTheValidatorToo() {
        let spec = ClusterSpec(name: "x", nodes: [
            NodeSpec(name: "a", listen: Address(host: "127.0.0.1", port: 5001)),
            NodeSpec(name: "b", listen: Address(host: "127.0.0.1", port: 5002)),
        ])
        #expect(SpecValidator.warnings(spec).map(\.path) == ["nodes"])
        #expect(SpecValidator.warnings(spec).first?.line == nil, "no line without YAML")
    }
}
