/// The shape of every module's one error type: a code callers branch on, a message for the
/// user, and the underlying error. What they print is written here once: the message, then
/// the cause once (`cannot read node.pid (No such file or directory)`); a type whose text says
/// more (an operation, an offset, the spec's issues) gives its own `description`.
public protocol CodedError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure: the module's own set, an enum or a struct of static constants.
    associatedtype Code: Hashable, Sendable
    /// What kind of failure this is; callers branch on it.
    var code: Code { get }
    /// What went wrong and what to do about it, without the cause.
    var message: String { get }
    /// The underlying error, if any.
    var cause: (any Error)? { get }
}

extension CodedError {
    /// The message, then the cause once in parentheses: `<message> (<cause>)`, or the message
    /// alone when there is no cause.
    public var messageAndCause: String { message + (cause.map { " (\($0))" } ?? "") }

    /// The message, then the cause once: ``messageAndCause``.
    public var description: String { messageAndCause }
}
