import Foundation

/// Programs SwiftPM built next to the running test bundle.
public enum BuiltExecutable {
    /// `.build/<config>/<name>` next to the test bundle; `$<NAME>_BINARY` (upper case) overrides it.
    public static func path(_ name: String) throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["\(name.uppercased())_BINARY"] { return explicit }
        let candidate = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw EtcdTestingError(.binaryMissing, "no \(name) binary at \(candidate.path); run `swift build` first (make test does)")
        }
        return candidate.path
    }
}
