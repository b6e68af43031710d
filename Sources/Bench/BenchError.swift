import HeadnetCore

/// The one error type of the `Bench` module: what failed, what to do, and the cause.
public struct BenchError: CodedError {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The bench's own devnet could not be written, started or stopped.
        case devnet
        /// An etcd call of the raw phase failed.
        case etcd
        /// A node's HTTP API refused a request or closed a connection.
        case node
        /// A message was not delivered on every node within the deadline.
        case undelivered
        /// A message was delivered twice on one node.
        case duplicate
        /// The run was interrupted (SIGINT) or cancelled.
        case cancelled
        /// The options do not make a run (e.g. fewer messages than senders).
        case options
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong and what to do about it (without the cause).
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
