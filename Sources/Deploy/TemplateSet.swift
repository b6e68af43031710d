import Foundation
import HeadnetTemplates
import Mustache
import Processes

/// The mustache templates `headnet generate` renders, loaded from a directory.
public struct TemplateSet: Sendable {
    /// Where the templates were read from.
    public let directory: URL
    private let templates: [String: MustacheTemplate]

    /// Loads every template `headnet generate` needs from `directory` (files named `<name>.mustache`).
    ///
    /// - Throws: ``DeployError`` naming the file that is missing or does not parse.
    public init(directory: URL) throws {
        self.directory = directory
        var templates: [String: MustacheTemplate] = [:]
        for name in HeadnetTemplates.all {
            let file = directory.appendingPathComponent("\(name).mustache")
            guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                throw DeployError(.templates, "template \(file.path) is missing; pass --templates with a directory that has \(HeadnetTemplates.all.map { "\($0).mustache" }.joined(separator: " and "))")
            }
            do {
                templates[name] = try MustacheTemplate(string: text)
            } catch {
                throw DeployError(.templates, "template \(file.path) does not parse", cause: error)
            }
        }
        self.templates = templates
    }

    /// The templates shipped with this `headnet`: `explicit` when given, else `$HEADNET_TEMPLATES`,
    /// else the resource directory SwiftPM puts next to the executable.
    public static func locate(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TemplateSet {
        if let explicit { return try TemplateSet(directory: URL(fileURLWithPath: explicit)) }
        if let fromEnvironment = environment["HEADNET_TEMPLATES"] { return try TemplateSet(directory: URL(fileURLWithPath: fromEnvironment)) }
        let executable = URL(fileURLWithPath: ProcessControl.currentExecutable())
        let candidates = [
            executable.deletingLastPathComponent().appendingPathComponent(HeadnetTemplates.resourceDirectoryName),
            executable.deletingLastPathComponent().appendingPathComponent("../share/headnet/templates").standardizedFileURL,
        ]
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.path) {
            return try TemplateSet(directory: candidate)
        }
        throw DeployError(
            .templates,
            "no templates next to \(executable.path) (looked in \(candidates.map(\.path).joined(separator: ", "))); pass --templates DIR or set HEADNET_TEMPLATES (the repository's templates/ directory)")
    }

    /// Renders template `name` with `context`.
    public func render(_ name: String, _ context: [String: Any]) -> String {
        templates[name]?.render(context) ?? ""
    }
}
