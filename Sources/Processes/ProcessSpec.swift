import Foundation

/// What to run: the program, its arguments, environment and directory, and how it is detached
/// from us.
public struct ProcessSpec: Sendable, Hashable {
    /// How the child is separated from this process.
    public enum Isolation: Sendable, Hashable {
        /// Same process group (a terminal's Ctrl-C reaches both).
        case none
        /// A process group of its own, led by the child: signals for the group reach it and its
        /// children, and a terminal's Ctrl-C does not.
        case processGroup
        /// A session of its own: also detached from our controlling terminal.
        case session
    }

    /// A path, or a name looked up on `PATH`.
    public var executable: String
    /// The arguments (without the program name).
    public var arguments: [String]
    /// Variables set on top of ours (nil values remove a variable).
    public var environment: [String: String?]
    /// The working directory; ours when nil.
    public var workingDirectory: URL?
    /// How the child is separated from us.
    public var isolation: Isolation
    /// What to add to "cannot start …" when the program is missing, e.g. how to install it.
    public var missingHint: String?

    /// Creates a description.
    public init(
        _ executable: String, _ arguments: [String] = [], environment: [String: String?] = [:], workingDirectory: URL? = nil,
        isolation: Isolation = .processGroup, missingHint: String? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.isolation = isolation
        self.missingHint = missingHint
    }

    /// The error to throw when the program cannot be started.
    func cannotStart(_ cause: any Error) -> ProcessError {
        ProcessError(.cannotStart, "cannot start \(executable)" + (missingHint.map { "; \($0)" } ?? ""), cause: cause)
    }
}
