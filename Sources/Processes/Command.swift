import Foundation
import Subprocess

/// Runs a program to completion and collects what it printed (standard output and error
/// interleaved). The child gets its own process group, so a program that leaves background
/// processes behind (as `headnet up` does on purpose) cannot hold us up.
public enum Command {
    /// The outcome of a run.
    public struct Result: Sendable {
        /// How the program ended.
        public var status: ExitStatus
        /// Its standard output and standard error, interleaved.
        public var output: String

        /// Creates a result.
        public init(status: ExitStatus, output: String) {
            self.status = status
            self.output = output
        }
    }

    /// Most bytes of output kept; a program printing more fails with `outputTooLarge`.
    public static let outputLimit = 64 << 20

    /// Runs `spec` and waits for it to end. Cancelling the calling task stops the program
    /// (SIGINT, SIGTERM after 2 s, SIGKILL); `spec.isolation` should give it a group of its own.
    ///
    /// - Throws: ``ProcessError`` `cannotStart` when the program cannot be found or started.
    public static func run(_ spec: ProcessSpec) async throws -> Result {
        let configuration = try spec.configuration(stop: .graceful(.seconds(2)))
        do {
            let result = try await Subprocess.run(configuration, output: .bytes(limit: outputLimit), error: .combinedWithOutput)
            return Result(status: ExitStatus(result.terminationStatus), output: String(decoding: result.standardOutput, as: UTF8.self))
        } catch let error as SubprocessError where error.code == .outputLimitExceeded {
            throw ProcessError(.outputTooLarge, "\(spec.executable) printed more than \(outputLimit) bytes", cause: error)
        } catch {
            throw spec.cannotStart(error)
        }
    }

    /// Runs `executable` with `arguments` (see ``run(_:)``).
    public static func run(_ executable: String, _ arguments: [String], workingDirectory: URL? = nil, missingHint: String? = nil) async throws -> Result {
        try await run(ProcessSpec(executable, arguments, workingDirectory: workingDirectory, missingHint: missingHint))
    }
}
