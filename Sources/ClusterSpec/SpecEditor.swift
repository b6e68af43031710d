import Yams

/// Changes a spec file's text for `headnet member add` and `remove`, keeping its comments and
/// layout where it can.
///
/// In place, it appends a node after the last entry of `nodes:`, deletes a node's entry and
/// inserts `initialCluster:` above `nodes:` — when the entries concerned are one-line flow
/// mappings (`- {name: alice, listen: 127.0.0.1:5001}`, as `headnet init` writes them). The
/// result is read back and must say exactly the target spec; otherwise the whole spec is written
/// anew by ``SpecWriter/render(_:)``, and the earlier comments are lost.
public enum SpecEditor {
    /// The new text of a spec file.
    public struct Edit: Sendable, Hashable {
        /// The text to write.
        public var text: String
        /// Whether the file was edited in place (comments and layout kept); false when it is
        /// rewritten whole.
        public var inPlace: Bool

        /// Creates an edit.
        public init(text: String, inPlace: Bool) {
            self.text = text
            self.inPlace = inPlace
        }
    }

    /// The text of `spec`'s file without `initialCluster:` (read from `text`), nil when it has
    /// none: once the state is purged no founding member's data is left, and the next `up`
    /// founds the cluster with every node (a node added by `member add` would otherwise wait to
    /// join a cluster that is gone).
    public static func forgettingFounders(_ text: String, of spec: ClusterSpec) -> Edit? {
        guard spec.initialCluster != nil else { return nil }
        var target = spec
        target.initialCluster = nil
        return edit(text, to: target)
    }

    /// `text`, a spec file's contents, changed so that it reads as `target`: `target` has the
    /// same settings, may add `initialCluster:` where the file has none (or drop it), and has the file's
    /// nodes with some removed and some appended.
    public static func edit(_ text: String, to target: ClusterSpec) -> Edit {
        if let edited = try? editInPlace(text, to: target),
            let reread = try? SpecReader.parse(edited, checkBinaries: false), reread == target
        {
            return Edit(text: edited, inPlace: true)
        }
        return Edit(text: SpecWriter.render(target), inPlace: false)
    }

    /// Why an in-place edit is not possible (the caller then rewrites the file).
    struct NotInPlace: Error {}

    static func editInPlace(_ text: String, to target: ClusterSpec) throws -> String {
        let current = try SpecReader.parse(text, checkBinaries: false)
        guard let root = try Yams.compose(yaml: text)?.mapping,
            let nodesKey = root.keys.first(where: { $0.string == "nodes" }), let nodesLine = nodesKey.mark?.line,
            let items = root["nodes"]?.sequence.map(Array.init), items.count == current.nodes.count
        else { throw NotInPlace() }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Edits as (line index, lines to put there, how many to replace), applied bottom-up.
        var edits: [(index: Int, insert: [String], remove: Int)] = []

        let kept = current.nodes.filter { node in target.nodes.contains { $0.name == node.name } }
        let added = target.nodes.filter { node in !current.nodes.contains { $0.name == node.name } }
        guard target.nodes == kept + added else { throw NotInPlace() }
        for (item, node) in zip(items, current.nodes) where !kept.contains(node) {
            edits.append((try oneLineEntry(item, in: lines).index, [], 1))
        }
        if !added.isEmpty {
            guard let last = items.last else { throw NotInPlace() }
            let (index, indent) = try oneLineEntry(last, in: lines)
            edits.append((index + 1, added.map { "\(indent)- \(SpecWriter.nodeEntry($0, in: target))" }, 0))
        }
        if target.initialCluster != current.initialCluster {
            if current.initialCluster != nil, target.initialCluster == nil {
                // Dropped (the cluster's data was purged): only a one-line `initialCluster: [...]`.
                guard let key = root.keys.first(where: { $0.string == "initialCluster" }), let line = key.mark?.line,
                    lines[line - 1].hasPrefix("initialCluster:"), lines[line - 1].contains("]")
                else { throw NotInPlace() }
                edits.append((line - 1, [], 1))
            } else {
                guard current.initialCluster == nil, let founders = target.initialCluster, nodesKey.mark?.column == 1 else { throw NotInPlace() }
                edits.append((nodesLine - 1, [SpecWriter.initialClusterLine(founders)], 0))
            }
        }
        for edit in edits.sorted(by: { $0.index > $1.index }) {
            lines.replaceSubrange(edit.index..<(edit.index + edit.remove), with: edit.insert)
        }
        return lines.joined(separator: "\n")
    }

    /// The line index and indentation of a `nodes:` entry written on one line as `- {…}`.
    static func oneLineEntry(_ item: Node, in lines: [String]) throws -> (index: Int, indent: String) {
        // (Yams's composed nodes do not keep their style: the line itself must read `- {`.)
        guard let mapping = item.mapping, let line = mapping.mark?.line, lines.indices.contains(line - 1),
            lastLine(of: item) == line
        else { throw NotInPlace() }
        let text = lines[line - 1]
        let indent = String(text.prefix { $0 == " " })
        guard text.dropFirst(indent.count).hasPrefix("- {") else { throw NotInPlace() }
        return (line - 1, indent)
    }

    /// The last line any part of `node` starts on.
    static func lastLine(of node: Node) -> Int? {
        switch node {
        case .scalar(let scalar): scalar.mark?.line
        case .mapping(let mapping): ([mapping.mark?.line] + mapping.flatMap { [lastLine(of: $0.key), lastLine(of: $0.value)] }).compactMap { $0 }.max()
        case .sequence(let sequence): ([sequence.mark?.line] + sequence.map { lastLine(of: $0) }).compactMap { $0 }.max()
        case .alias: nil
        }
    }
}
