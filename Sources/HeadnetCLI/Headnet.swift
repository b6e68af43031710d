import ArgumentParser

/// The `headnet` root command: an ops tool for Hydra heads' etcd network.
public struct Headnet: AsyncParsableCommand {
    /// The headnet release this binary was built from.
    public static let version = "0.1.0-dev"

    /// Command name, abstract, version and subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "headnet",
        abstract: "Run, check and drill the etcd network of Hydra heads.",
        discussion: """
            headnet brings up local multi-node devnets of Hydra's etcd-based network component, \
            health-checks running heads and runs failover drills that prove no message was lost.
            """,
        version: version,
        subcommands: [
            InitCommand.self, ValidateCommand.self, GenerateCommand.self, UpCommand.self, DownCommand.self, StopCommand.self, StartCommand.self,
            RestartCommand.self, StatusCommand.self, LogsCommand.self,
            CertsCommand.self, EnvCommand.self, HealthCommand.self, MemberCommand.self, SnapshotCommand.self, DefragCommand.self, BroadcastCommand.self,
            TailCommand.self, NodeCommand.self, BenchCommand.self, DrillCommand.self,
        ]
    )

    /// Creates the command (used by argument-parser).
    public init() {}
}
