import HeadnetCore

/// The one error type of the `Processes` module: what failed, what to do, and the cause.
public struct ProcessError: CodedError {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The program could not be found or started.
        public static let cannotStart = Code("cannotStart")
        /// A file (pid file, output file) could not be read or written.
        public static let io = Code("io")
        /// The program printed more than the caller allows.
        public static let outputTooLarge = Code("outputTooLarge")

        /// The code's name.
        public var description: String { name }
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
