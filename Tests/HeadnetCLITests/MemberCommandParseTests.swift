import ArgumentParser
import Testing

@testable import HeadnetCLI

/// `headnet member …` command lines, without running them.
@Suite struct MemberCommandParseTests {
    @Test func addTakesTheNodesAddressAndTheSpecAnywhere() throws {
        let add = try MemberAddCommand.parse(["dave", "--listen", "127.0.0.1:5004", "--learner", "--api", "4100", "-f", "a.yaml"])
        #expect(add.name == "dave" && add.listen == "127.0.0.1:5004" && add.learner && add.api == 4100 && add.spec.path == "a.yaml")
        #expect(try MemberAddCommand.parse(["dave", "--listen", "127.0.0.1:5004", "a.yaml"]).spec.path == "a.yaml")
        #expect(try !MemberAddCommand.parse(["dave", "--listen", "127.0.0.1:5004"]).learner)
        for wrong in [["dave"], ["dave", "--listen", "nope"], ["dave", "--listen", "127.0.0.1:5004", "--api", "70000"]] {
            #expect(throws: (any Error).self, "\(wrong)") { try MemberAddCommand.parse(wrong) }
        }
        #expect(MemberAddCommand.exitCode(for: ValidationError("x")) == ExitCode(64))
    }

    @Test func removePromoteAndListTakeTheirArguments() throws {
        #expect(try MemberRemoveCommand.parse(["dave", "--spec", "a.yaml", "--json"]).name == "dave")
        #expect(try MemberPromoteCommand.parse(["dave", "--timeout", "5", "a.yaml"]).wait.timeout == 5)
        #expect(try MemberListCommand.parse(["--json", "-f", "a.yaml"]).json)
        #expect(throws: (any Error).self) { try MemberRemoveCommand.parse([]) }
        let member = try Headnet.parseAsRoot(["member", "list", "-f", "a.yaml"])
        #expect(member is MemberListCommand)
    }
}
