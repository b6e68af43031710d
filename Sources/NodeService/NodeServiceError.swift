import HeadnetCore

/// The one error type of the `NodeService` module: the node's journal and API.
public struct NodeServiceError: CodedError {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The delivered journal could not be read or written.
        case journal
        /// The delivered journal holds something unreadable.
        case corruptJournal
        /// A request to the node's API is malformed.
        case badRequest
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
