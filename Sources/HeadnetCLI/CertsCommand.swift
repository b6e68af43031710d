import ArgumentParser

/// `headnet certs`: the cluster's TLS certificates.
public struct CertsCommand: AsyncParsableCommand {
    /// Command name, help and subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "certs", abstract: "Manage the cluster's TLS certificates.", subcommands: [CertsRotateCommand.self])

    /// Creates the command.
    public init() {}
}
