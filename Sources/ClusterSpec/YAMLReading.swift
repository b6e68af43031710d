import Foundation
import Yams

/// Reading a YAML file that headnet reads (a cluster spec, a drill) into a model while collecting
/// every problem with its path and line, instead of stopping at the first: the walkers of
/// ``SpecReader`` and the drill reader conform and share these readers of mappings, values and
/// lists.
public protocol YAMLReading {
    /// The problems found so far.
    var issues: [SpecIssue] { get set }
    /// Line of each path seen, for checks that report later.
    var lines: [String: Int] { get set }
    /// The keys each mapping accepts, by section: `""` is the top level, `nodes[]` each entry of
    /// `nodes:`, `etcd.autoCompaction` that mapping. Any other key is an issue.
    var acceptedKeys: [String: [String]] { get }
}

extension YAMLReading {
    /// The text of the YAML file at `path`; `document` names its kind (`spec`, `drill`) and
    /// `missingHint` says where one comes from.
    ///
    /// - Throws: ``SpecError`` `unreadable`: no such file, or it cannot be read.
    public static func text(of path: String, document: String, missingHint: String) throws(SpecError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            guard FileManager.default.fileExists(atPath: path) else { throw SpecError(.unreadable, "no \(document) at '\(path)'; \(missingHint)") }
            throw SpecError(.unreadable, "cannot read the \(document) \(path); check its permissions", cause: error)
        }
    }

    /// Checks the top level's `apiVersion:` (``ClusterSpec/apiVersion``, present).
    public mutating func checkAPIVersion(_ top: [String: Node], root: Node) {
        if let version = string(top["apiVersion"], "apiVersion"), version != ClusterSpec.apiVersion {
            issue("apiVersion", top["apiVersion"], "unsupported apiVersion '\(version)'; this headnet reads \(ClusterSpec.apiVersion)")
        } else if top["apiVersion"] == nil {
            issue("apiVersion", root, "missing apiVersion; add `apiVersion: \(ClusterSpec.apiVersion)`")
        }
    }

    /// Records a problem at `path`, on `node`'s line.
    public mutating func issue(_ path: String, _ node: Node?, _ message: String) {
        issues.append(SpecIssue(path: path, line: node?.mark?.line, column: node?.mark?.column, message: message))
    }

    /// The mapping's entries by key, the keys of ``acceptedKeys`` `section` allowed; unknown
    /// keys (with the nearest accepted one as a suggestion) and non-mappings are reported.
    public mutating func mapping(_ node: Node?, _ path: String, section: String) -> [String: Node] {
        let allowed = acceptedKeys[section] ?? []
        guard let node else { return [:] }
        guard let mapping = node.mapping else {
            issue(path, node, "expected a mapping (key: value lines)")
            return [:]
        }
        var entries: [String: Node] = [:]
        for (key, value) in mapping {
            let name = key.string ?? "\(key)"
            let childPath = path.isEmpty ? name : "\(path).\(name)"
            if !allowed.contains(name) {
                let nearest = allowed.min { distance($0, name) < distance($1, name) }
                let suggestion = nearest.flatMap { distance($0, name) <= max(2, name.count / 3) ? "; did you mean '\($0)'?" : nil } ?? ""
                issue(childPath, key, "unknown key '\(name)'\(suggestion)")
                continue
            }
            entries[name] = value
            lines[childPath] = value.mark?.line
        }
        return entries
    }

    /// A non-empty text value; nil (reported) otherwise, nil (silently) when absent.
    public mutating func string(_ node: Node?, _ path: String) -> String? {
        guard let node else { return nil }
        guard let text = node.scalar?.string, !text.isEmpty else {
            issue(path, node, "expected a non-empty text value")
            return nil
        }
        return text
    }

    /// A whole number in `range`; nil (reported) otherwise, nil (silently) when absent.
    public mutating func int(_ node: Node?, _ path: String, range: ClosedRange<Int>) -> Int? {
        guard let node else { return nil }
        guard let value = node.scalar.flatMap({ Int($0.string) }) else {
            issue(path, node, "expected a whole number")
            return nil
        }
        guard range.contains(value) else {
            issue(path, node, "\(value) is out of range \(range.lowerBound)…\(range.upperBound)")
            return nil
        }
        return value
    }

    /// The entries of a list; empty (reported) when it is not one, empty when absent.
    public mutating func sequence(_ node: Node?, _ path: String) -> [Node] {
        guard let node else { return [] }
        guard let sequence = node.sequence else {
            issue(path, node, "expected a list (lines starting with '- ')")
            return []
        }
        return Array(sequence)
    }

    /// The edit distance of two keys, ignoring case (for "did you mean").
    func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
