import Foundation

/// Runs a command-line tool to completion and captures its combined output.
enum Tool {
    /// Runs `executable` (a path) with `arguments`; `missingHint` says how to install it.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, missingHint: String
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw EtcdTestingError(.binaryMissing, "could not run \(executable): \(missingHint)", cause: error)
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
