import ArgumentParser

/// `--timeout` of the commands that wait for nodes (to be ready, to catch up, to be promoted),
/// checked once for all of them.
struct WaitOptions: ParsableArguments {
    /// The deadline of each wait, in seconds.
    @Option(help: "Seconds each wait for a node may take: to be ready, to catch up, to be promoted.")
    var timeout: Int = 60

    func validate() throws {
        if timeout < 1 { throw ValidationError("--timeout takes a number of seconds, 1 or more") }
    }
}
