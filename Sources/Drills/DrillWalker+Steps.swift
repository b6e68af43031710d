import ClusterSpec
import Yams

extension DrillWalker {
    /// The keys a step may have besides its kind, with the kinds that take each.
    static let modifiers: [String: Set<String>] = [
        "signal": ["kill"],
        "process": ["kill", "pause", "resume"],
        "ms": ["delay", "reorder"],
        "jitter": ["delay"],
        "percent": ["loss", "reorder"],
        "frames": ["settings-burst"],
    ]

    mutating func readSteps(_ node: Node?, root: Node) -> [DrillStep] {
        guard let node else {
            issue("steps", root, "missing steps: a list of what the drill does, e.g. `- kill: follower`")
            return []
        }
        let entries = sequence(node, "steps")
        if node.sequence != nil, entries.isEmpty { issue("steps", node, "the drill has no steps") }
        return entries.enumerated().compactMap { index, entry in readStep(entry, path: "steps[\(index)]") }
    }

    mutating func readStep(_ node: Node, path: String) -> DrillStep? {
        let map = mapping(node, path, section: "steps[]")
        let kinds = DrillAction.kinds.filter { map[$0] != nil }
        guard kinds.count == 1, let kind = kinds.first, let value = map[kind] else {
            if node.mapping != nil {
                issue(path, node, kinds.isEmpty
                    ? "a step needs one of: \(DrillAction.kinds.joined(separator: ", "))"
                    : "a step does one thing; this one has \(kinds.joined(separator: " and ")): make them separate steps")
            }
            return nil
        }
        for key in map.keys where Self.modifiers[key].map({ !$0.contains(kind) }) == true {
            let takers = Self.modifiers[key]!.sorted().joined(separator: ", ")
            issue("\(path).\(key)", map[key], "`\(key)` is not a setting of `\(kind)` (it goes with \(takers))")
        }
        let here = "\(path).\(kind)"
        guard let action = readAction(kind, value, map: map, path: path, here: here) else { return nil }
        return DrillStep(action, path: path, line: node.mark?.line)
    }

    private mutating func readAction(_ kind: String, _ value: Node, map: [String: Node], path: String, here: String) -> DrillAction? {
        func nodes() -> NodeSelector? { selector(value, here) }
        switch kind {
        case "wait":
            return duration(value, here).map { .wait(seconds: $0) }
        case "kill":
            let signal = choice(map["signal"], "\(path).signal", DrillAction.Signal.self) ?? .kill
            let process = choice(map["process"], "\(path).process", DrillAction.Process.self) ?? .node
            return nodes().map { .kill($0, signal: signal, process: process) }
        case "pause", "resume":
            let process = choice(map["process"], "\(path).process", DrillAction.Process.self) ?? .both
            return nodes().map { kind == "pause" ? .pause($0, process: process) : .resume($0, process: process) }
        case "delay":
            let milliseconds = int(map["ms"], "\(path).ms", range: 1...60_000) ?? 100
            let jitter = int(map["jitter"], "\(path).jitter", range: 0...60_000) ?? 0
            if jitter > milliseconds { issue("\(path).jitter", map["jitter"], "a jitter of \(jitter) ms is more than the delay of \(milliseconds) ms") }
            return nodes().map { .delay($0, milliseconds: milliseconds, jitterMilliseconds: jitter) }
        case "loss":
            let percent = number(map["percent"], "\(path).percent", range: 0.1...100) ?? 10
            return nodes().map { .loss($0, percent: percent) }
        case "reorder":
            let percent = number(map["percent"], "\(path).percent", range: 0.1...100) ?? 25
            let milliseconds = int(map["ms"], "\(path).ms", range: 1...60_000) ?? 10
            return nodes().map { .reorder($0, percent: percent, milliseconds: milliseconds) }
        case "settings-burst":
            let frames = int(map["frames"], "\(path).frames", range: 1...100_000) ?? 1_000
            return nodes().map { .settingsBurst($0, frames: frames) }
        case "rolling-restart", "compact":
            guard value.scalar?.string == "true" || value.scalar?.string == "all" else {
                issue(here, value, "`\(kind)` acts on the whole cluster: write `\(kind): all`")
                return nil
            }
            return kind == "compact" ? .compact : .rollingRestart
        default:
            guard let selector = nodes() else { return nil }
            let actions: [String: (NodeSelector) -> DrillAction] = [
                "start": DrillAction.start, "remove-member": DrillAction.removeMember, "add-member": DrillAction.addMember,
                "partition": DrillAction.partition, "heal": DrillAction.heal, "restart": DrillAction.restart,
                "revoke-lease": DrillAction.revokeLease, "delete-revision-file": DrillAction.deleteRevisionFile,
                "fill-disk": DrillAction.fillDisk, "free-disk": DrillAction.freeDisk,
            ]
            return actions[kind].map { $0(selector) }
        }
    }

    /// One of an enumeration's raw values (`KILL`, `SIGKILL` and `kill` all read as `KILL`).
    private mutating func choice<Choice: RawRepresentable & CaseIterable>(
        _ node: Node?, _ path: String, _ type: Choice.Type
    ) -> Choice? where Choice.RawValue == String {
        guard let text = string(node, path) else { return nil }
        let plain = text.uppercased().hasPrefix("SIG") ? String(text.dropFirst(3)) : text
        if let value = Choice.allCases.first(where: { $0.rawValue.lowercased() == plain.lowercased() }) { return value }
        issue(path, node, "'\(text)' is not one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        return nil
    }
}
