/// The error type of a module whose failures need no more than a code, a message and a cause,
/// declared once for all of them: `public typealias DeployError = ModuleError<DeployErrorCode>`.
/// Each module's instance is a type of its own, so `catch let error as DeployError` sees that
/// module's errors only.
public struct ModuleError<Code: Hashable & Sendable>: CodedError {
    /// What kind of failure this is; callers branch on it.
    public var code: Code
    /// What went wrong and what to do about it, without the cause.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// An error of kind `code`, saying `message`, caused by `cause`.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }
}
