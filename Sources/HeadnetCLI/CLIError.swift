import HeadnetCore

/// The one error type of `HeadnetCLI`: a failure at run time (not a wrong command line, which
/// argument-parser reports with usage and exit 64). Printed as `Error: <message>`, exit 1.
public struct CLIError: CodedError {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// The spec is missing or unusable.
        case spec
        /// A node's state or answer is not what the command needs.
        case node
        /// The cluster did not end up as asked (something still runs after `down`).
        case cluster
    }

    /// What kind of failure.
    public var code: Code
    /// What went wrong and what to do.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }
}
