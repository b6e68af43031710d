import ClusterSpec
import Foundation
import Yams

/// Reads a drill file (drills/*.yaml), collecting every problem with its path and line, as
/// ``ClusterSpec/SpecReader`` does for specs.
///
/// ```yaml
/// apiVersion: headnet/v1
/// kind: drill
/// name: kill-follower
/// cluster: ../clusters/drill3.yaml     # or a spec written here, as a mapping
/// load: {senders: all, rate: 20, size: 256}
/// steps:
///   - wait: 5s
///   - kill: follower
///     signal: KILL
///   - wait: 5s
///   - start: previous
/// expect: {noLoss: true, recoveredWithin: 30s}
/// ```
public enum DrillReader {
    /// The `kind:` of a drill file.
    public static let kind = "drill"

    /// Every key the reader accepts, by the mapping it belongs to (`steps[]`: each step).
    public static let acceptedKeys: [String: [String]] = [
        "": ["apiVersion", "kind", "name", "description", "cluster", "load", "steps", "expect"],
        "load": ["senders", "rate", "size", "seconds"],
        "steps[]": DrillAction.kinds + DrillWalker.modifiers.keys.sorted(),
        "expect": ["noLoss", "noDuplicates", "perSenderOrder", "hashesAgree", "recoveredWithin", "missedReported"],
    ]

    /// Reads the drill file at `path`; a `cluster:` spec path is taken from its directory.
    ///
    /// - Throws: ``ClusterSpec/SpecError``: `unreadable`, `syntax`, or `invalid` with every
    ///   problem found.
    public static func load(path: String) throws(SpecError) -> Drill {
        let text = try DrillWalker.text(of: path, document: "drill", missingHint: "the drills headnet ships are in drills/")
        let url = URL(fileURLWithPath: path).standardizedFileURL
        return try parse(text, name: url.deletingPathExtension().lastPathComponent, directory: url.deletingLastPathComponent().path)
    }

    /// Parses drill text; `name` is the drill's name unless the file gives one, `directory`
    /// where a relative `cluster:` path starts.
    ///
    /// - Throws: ``ClusterSpec/SpecError`` `syntax` or `invalid` with every problem found.
    public static func parse(_ yaml: String, name: String, directory: String) throws(SpecError) -> Drill {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw SpecError.syntax(error, yaml: yaml, document: "drill")
        } catch {
            throw SpecError(.syntax, "the drill is not valid YAML: \(error)", cause: error)
        }
        var walker = DrillWalker(directory: directory)
        let drill = walker.readDrill(root, name: name)
        guard let drill, walker.issues.isEmpty else { throw SpecError.invalid(walker.issues, document: "drill") }
        return drill
    }
}
