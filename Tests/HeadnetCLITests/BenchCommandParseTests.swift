import ArgumentParser
import Testing

@testable import HeadnetCLI

/// `headnet bench` flags, without running it.
@Suite struct BenchCommandParseTests {
    @Test func theDefaultsAreTheIssuesRun() throws {
        let bench = try BenchCommand.parse([])
        #expect(bench.spec == nil && bench.nodes == nil && !bench.json)
        let configuration = bench.benchConfiguration
        #expect(configuration.messages == 100_000 && configuration.size == 1024 && configuration.senders == 64)
        #expect(configuration.rawPuts == 2000 && configuration.rawLatencySamples == 2000 && configuration.lowLoadSamples == 2000)
        #expect(configuration.effectiveSliceSize == 10_000 && configuration.stallTimeout == .seconds(30) && configuration.latencyRounds == 5)
    }

    @Test func everyFlagReachesTheConfiguration() throws {
        let bench = try BenchCommand.parse([
            "--nodes", "5", "--messages", "300", "--size", "128", "--senders", "4", "--puts", "50", "--latency-samples", "20",
            "--low-load-samples", "10", "--latency-rounds", "2", "--slice", "100", "--timeout", "9", "--json",
        ])
        #expect(bench.nodes == 5 && bench.json)
        let configuration = bench.benchConfiguration
        #expect(configuration.messages == 300 && configuration.size == 128 && configuration.senders == 4 && configuration.rawPuts == 50)
        #expect(configuration.rawLatencySamples == 20 && configuration.lowLoadSamples == 10 && configuration.effectiveSliceSize == 100)
        #expect(configuration.stallTimeout == .seconds(9) && configuration.latencyRounds == 2)
        let existing = try BenchCommand.parse(["-f", "clusters/devnet.yaml", "--state-dir", "/s"])
        #expect(existing.spec == "clusters/devnet.yaml" && existing.state.stateDir == "/s")
    }

    @Test(arguments: [
        ["--spec", "a.yaml", "--nodes", "3"],  // the spec decides the nodes
        ["--state-dir", "/s"],  // only with --spec
        ["--nodes", "0"], ["--nodes", "65"],
        ["--messages", "0"], ["--messages", "3", "--senders", "4"], ["--size", "10"], ["--timeout", "0"],
        ["a.yaml"],  // no positional spec: only --spec points the bench at a cluster
    ])
    func wrongCommandLinesAreRefused(arguments: [String]) {
        #expect(throws: (any Error).self) { try BenchCommand.parse(arguments) }
    }

    @Test func benchIsASubcommand() throws {
        #expect(try Headnet.parseAsRoot(["bench", "--json"]) is BenchCommand)
    }
}
