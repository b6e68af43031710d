import EtcdTesting
import Foundation
import Processes
import Testing

/// Refusals, warnings and hints of the built `headnet` that start nothing: remote hosts, `-f` in
/// `logs` and `tail`, a negative `--from`, `health` of a cluster that is down.
@Suite struct CommandLineRefusalTests {
    /// A spec with carol on host h2 (10.77.0.2); `/bin/sh` stands in for etcd.
    static let remoteSpec = """
        apiVersion: headnet/v1
        name: remote
        etcd: {binary: /bin/sh}
        hosts:
          - {name: local, address: 127.0.0.1}
          - {name: h2, address: 10.77.0.2, ssh: {user: headnet, port: 22, identityFile: keys/id_ed25519}}
        nodes:
          - {name: alice, listen: 127.0.0.1:5301}
          - {name: bob, listen: 127.0.0.1:5302}
          - {name: carol, listen: 0.0.0.0:5303, advertise: 10.77.0.2:5303, host: h2}

        """

    /// Runs `headnet <arguments>` in a fresh directory holding `spec` as `clusters/t3.yaml`;
    /// also says whether the run left a `.headnet` state directory behind.
    static func run(_ arguments: [String], spec: String = remoteSpec) async throws -> (result: Command.Result, madeState: Bool) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-refusal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clusters = directory.appendingPathComponent("clusters")
        try FileManager.default.createDirectory(at: clusters, withIntermediateDirectories: true)
        try spec.write(to: clusters.appendingPathComponent("t3.yaml"), atomically: true, encoding: .utf8)
        let result = try await Command.run(try BuiltExecutable.path("headnet"), arguments, workingDirectory: directory)
        return (result, FileManager.default.fileExists(atPath: directory.appendingPathComponent(".headnet").path))
    }

    @Test(arguments: [
        ["up", "-f", "clusters/t3.yaml"],
        ["restart", "--rolling", "clusters/t3.yaml"],
        ["member", "add", "dave", "--listen", "127.0.0.1:5304", "-f", "clusters/t3.yaml"],
    ])
    func commandsThatStartNodesRefuseARemoteHostFirst(arguments: [String]) async throws {
        let (result, madeState) = try await Self.run(arguments)
        #expect(result.status == .exited(1), "\(result.output)")
        #expect(result.output.hasPrefix("Error: node carol is on host h2 (10.77.0.2): remote hosts are not supported yet;"), "\(result.output)")
        #expect(!result.output.contains("USAGE"), "\(result.output)")
        #expect(!madeState, "nothing was done")
    }

    @Test func validateWarnsAboutARemoteHost() async throws {
        let (result, _) = try await Self.run(["validate", "clusters/t3.yaml"])
        #expect(result.status.isSuccess, "\(result.output)")
        #expect(result.output.contains("! line 10: nodes[2].host: node carol is on host h2 (10.77.0.2): remote hosts are not supported yet"), "\(result.output)")
    }

    @Test(arguments: ["logs", "tail"])
    func aSpecRightAfterDashFInLogsAndTailIsWarnedAbout(command: String) async throws {
        let (result, _) = try await Self.run([command, "bob", "-f", "t3.yaml"])
        #expect(result.status == .exited(1), "no t3.yaml here: \(result.output)")
        #expect(result.output.hasPrefix(
            "warning: -f means --follow in `\(command)`; t3.yaml is read as the spec. Give the spec with --spec t3.yaml to make that explicit\n"),
            "\(result.output)")
        let explicit = try await Self.run([command, "bob", "--spec", "t3.yaml"]).result
        #expect(!explicit.output.contains("warning:"), "\(explicit.output)")
    }

    @Test func healthHintsCarryTheSpec() async throws {
        // Ports nothing listens on: every node is down, and the hints say how to start it.
        let ports = try Ports.pickFree(3, offsets: [2622, 1000])
        let nodes = zip(["alice", "bob", "carol"], ports).map { "  - {name: \($0), listen: 127.0.0.1:\($1)}" }
        let spec = "apiVersion: headnet/v1\nname: down\nnodes:\n" + nodes.joined(separator: "\n") + "\n"
        let (result, _) = try await Self.run(["health", "-f", "clusters/t3.yaml"], spec: spec)
        #expect(result.status == .exited(1), "\(result.output)")
        #expect(result.output.contains("✗ node API (bob): start it: `headnet up -f clusters/t3.yaml`"), "\(result.output)")
        #expect(result.output.contains("start its node (`headnet up -f clusters/t3.yaml`)"), "\(result.output)")
        #expect(!result.output.contains("`headnet up`"), "\(result.output)")
    }

    @Test func aNegativeFromGetsTheSameMessageInBothForms() async throws {
        for arguments in [["tail", "carol", "--from", "-5"], ["tail", "carol", "--from=-5"]] {
            let (result, _) = try await Self.run(arguments)
            #expect(result.status == .exited(64), "\(arguments): \(result.output)")
            #expect(result.output.hasPrefix("Error: --from must be 0 or more\n"), "\(arguments): \(result.output)")
        }
    }
}
