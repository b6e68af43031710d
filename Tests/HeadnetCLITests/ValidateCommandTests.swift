import ClusterSpec
import EtcdTesting
import Foundation
import Processes
import Testing

@testable import HeadnetCLI

/// `headnet validate` as a user runs it (the built binary), and the shape of its JSON.
@Suite struct ValidateCommandTests {
    /// Runs `headnet validate <arguments>` in a fresh directory holding `yaml` as
    /// `clusters/devnet.yaml`, the spec `validate` reads when given none.
    static func validate(_ yaml: String, _ arguments: String...) async throws -> Command.Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-validate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clusters = directory.appendingPathComponent("clusters")
        try FileManager.default.createDirectory(at: clusters, withIntermediateDirectories: true)
        try yaml.write(to: clusters.appendingPathComponent("devnet.yaml"), atomically: true, encoding: .utf8)
        return try await Command.run(try BuiltExecutable.path("headnet"), ["validate"] + arguments, workingDirectory: directory)
    }

    /// The one JSON object `output` holds.
    static func object(_ output: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
    }

    /// A spec of `count` loopback nodes; `/bin/sh` stands in for etcd, whose binary validate only looks for.
    static func spec(nodes count: Int, listen: (Int) -> String = { "127.0.0.1:\(5001 + $0)" }) -> String {
        let nodes = (0..<count).map { "  - {name: n\($0), listen: \(listen($0))}" }
        return "apiVersion: headnet/v1\nname: x\netcd: {binary: /bin/sh}\nnodes:\n" + nodes.joined(separator: "\n") + "\n"
    }

    @Test func evenNodesWarnButExitZero() async throws {
        let text = try await Self.validate(Self.spec(nodes: 4))
        #expect(text.status.isSuccess, "\(text.output)")
        let lines = text.output.split(separator: "\n")
        #expect(lines.count == 2 && lines.first?.hasPrefix("✓ ") == true, "\(text.output)")
        #expect(lines.last?.hasPrefix("! line 5: nodes: 4 nodes (an even number)") == true, "\(text.output)")

        let json = try await Self.validate(Self.spec(nodes: 4), "--json")
        #expect(json.status.isSuccess, "\(json.output)")
        #expect(json.output.hasSuffix("}\n") && json.output.filter { $0 == "\n" }.count == 1, "one line, ended: \(json.output.debugDescription)")
        let report = try Self.object(json.output)
        #expect(report["valid"] as? Bool == true && report["nodes"] as? Int == 4 && report["tls"] as? Bool == false)
        #expect(report["spec"] as? String == "clusters/devnet.yaml", "slashes are not escaped")
        #expect((report["issues"] as? [Any])?.isEmpty == true)
        let warnings = try #require(report["warnings"] as? [[String: Any]])
        #expect(warnings.count == 1 && warnings[0]["path"] as? String == "nodes" && warnings[0]["line"] as? Int == 5, "\(json.output)")
    }

    @Test func oddNodesHaveNoWarnings() async throws {
        let result = try await Self.validate(Self.spec(nodes: 3), "--json")
        #expect(result.status.isSuccess, "\(result.output)")
        #expect((try Self.object(result.output)["warnings"] as? [Any])?.isEmpty == true, "\(result.output)")
    }

    @Test func problemsHaveNumericLinesAndColumns() async throws {
        let result = try await Self.validate(Self.spec(nodes: 3) { $0 == 1 ? "127.0.0.256:5002" : "127.0.0.1:\(5001 + $0)" }, "--json")
        #expect(result.status == .exited(1), "\(result.output)")
        #expect(result.output.hasSuffix("}\n") && result.output.filter { $0 == "\n" }.count == 1, "one line, ended: \(result.output.debugDescription)")
        let report = try Self.object(result.output)
        #expect(report["valid"] as? Bool == false && report["error"] is String)
        #expect((report["warnings"] as? [Any])?.isEmpty == true)
        let issues = try #require(report["issues"] as? [[String: Any]])
        #expect(issues.count == 1, "\(result.output)")
        #expect(issues.first?["path"] as? String == "nodes[1].listen")
        #expect(issues.first?["line"] as? Int == 6 && issues.first?["column"] is Int, "\(result.output)")
        #expect(issues.first?["message"] as? String == "'127.0.0.256' is not an IPv4 address: octet 256 is over 255")
    }

    @Test func unknownLineAndColumnAreLeftOut() throws {
        let error = SpecError(.invalid, "the spec has 1 problem:", issues: [SpecIssue(path: "", message: "the spec is empty")])
        let json = try ValidateReport(spec: "s.yaml", error: error).json()
        #expect(json == #"{"error":"the spec has 1 problem:","issues":[{"message":"the spec is empty","path":""}],"spec":"s.yaml","valid":false,"warnings":[]}"#)
        let valid = try ValidateReport(spec: "s.yaml", check: SpecReader.check(Self.spec(nodes: 1), checkBinaries: false)).json()
        #expect(valid == #"{"issues":[],"nodes":1,"spec":"s.yaml","tls":false,"valid":true,"warnings":[]}"#)
    }
}
