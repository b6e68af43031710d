import HeadnetCore

/// The one error type of the `HeadNetwork` module.
public struct HeadNetworkError: CodedError {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// A file of the node's persistence directory could not be read or written.
        case persistence
        /// A file of the node's persistence directory holds something unreadable.
        case corruptFile
        /// A host string is not `host:port`.
        case invalidHost
        /// A value read from etcd could not be decoded.
        case decoding
        /// The etcd child process failed to start or exited.
        case etcdProcess
        /// etcd answered in a way the component cannot continue from.
        case etcd
        /// The configuration is unusable.
        case configuration
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong and what to do about it.
    public var message: String
    /// The operation that failed, e.g. `putMessage`, `waitMessages`.
    public var operation: String?
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, operation: String? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.operation = operation
        self.cause = cause
    }

    /// `<operation>: <message> (<cause>)`: the common text, led by the operation when known.
    public var description: String { (operation.map { "\($0): " } ?? "") + messageAndCause }
}
