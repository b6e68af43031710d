import HeadnetCore

/// The one error type of `HeadnetCLI`: a failure at run time (not a wrong command line, which
/// argument-parser reports with usage and exit 64). Printed as `Error: <message>`, exit 1.
public typealias CLIError = ModuleError<CLIErrorCode>

/// What kind of failure a ``CLIError`` is.
public enum CLIErrorCode: String, Sendable {
    /// The spec is missing or unusable.
    case spec
    /// A node's state or answer is not what the command needs.
    case node
    /// The cluster did not end up as asked (something still runs after `down`).
    case cluster
}
