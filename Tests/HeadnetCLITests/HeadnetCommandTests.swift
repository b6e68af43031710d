import ArgumentParser
import Testing

@testable import HeadnetCLI

@Suite struct HeadnetCommandTests {
    @Test func versionFlagPrintsVersion() throws {
        #expect(throws: (any Error).self) { try Headnet.parseAsRoot(["--version"]) }
        do {
            _ = try Headnet.parseAsRoot(["--version"])
        } catch {
            #expect(Headnet.exitCode(for: error) == .success)
            #expect(Headnet.fullMessage(for: error) == Headnet.version)
        }
    }

    @Test func helpNamesTheTool() {
        let help = Headnet.helpMessage()
        #expect(help.contains("USAGE: headnet"))
        #expect(help.contains("--version"))
    }

    @Test func unknownOptionIsAUsageError() {
        do {
            _ = try Headnet.parseAsRoot(["--no-such-flag"])
            Issue.record("parsing should have failed")
        } catch {
            #expect(Headnet.exitCode(for: error) == .validationFailure)
        }
    }
}
