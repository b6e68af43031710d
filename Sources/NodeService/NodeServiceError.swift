import HeadnetCore

/// The one error type of the `NodeService` module: the node's journal and API.
public typealias NodeServiceError = ModuleError<NodeServiceErrorCode>

/// What kind of failure a ``NodeServiceError`` is.
public enum NodeServiceErrorCode: String, Sendable {
    /// The delivered journal could not be read or written.
    case journal
    /// The delivered journal holds something unreadable.
    case corruptJournal
    /// A request to the node's API is malformed.
    case badRequest
}
