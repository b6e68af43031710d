import HeadnetCore

/// The one error type of the `Deploy` module.
public struct DeployError: CodedError {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// Certificates could not be made or written.
        case pki
        /// Files could not be written.
        case io
        /// A node failed to start or become ready.
        case start
        /// A port is already in use.
        case portBusy
        /// Templates could not be found or parsed.
        case templates
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
