import HeadnetCore

/// The one error type of `EtcdTesting`: what failed, what to do, and the underlying cause.
public struct EtcdTestingError: CodedError {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The etcd binary could not be found or started.
        case binaryMissing
        /// A member did not become ready before its deadline, or exited while starting.
        case notReady
        /// A free port could not be found.
        case noFreePort
        /// A file or directory operation failed.
        case io
        /// A member index was out of range.
        case noSuchMember
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong and what to do about it.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `<code>: <message> (<cause>)`: the common text, led by the code.
    public var description: String { "\(code.rawValue): \(messageAndCause)" }
}
