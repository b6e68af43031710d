import HeadnetCore

/// The one error type of the `Processes` module: what failed, what to do, and the cause.
public typealias ProcessError = ModuleError<ProcessErrorCode>

/// What kind of failure a ``ProcessError`` is.
public struct ProcessErrorCode: Hashable, Sendable, CustomStringConvertible {
    private let name: String
    private init(_ name: String) { self.name = name }

    /// The program could not be found or started.
    public static let cannotStart = ProcessErrorCode("cannotStart")
    /// A file (pid file, output file) could not be read or written.
    public static let io = ProcessErrorCode("io")
    /// The program printed more than the caller allows.
    public static let outputTooLarge = ProcessErrorCode("outputTooLarge")

    /// The code's name.
    public var description: String { name }
}
