import ClusterSpec
import Foundation
import NodeAPIModel
import Yams

/// Walks a drill file's YAML tree into a ``Drill``.
struct DrillWalker: YAMLReading {
    var issues: [SpecIssue] = []
    var lines: [String: Int] = [:]
    var acceptedKeys: [String: [String]] { DrillReader.acceptedKeys }
    /// Where a relative `cluster:` path starts.
    let directory: String

    init(directory: String) {
        self.directory = directory
    }

    mutating func readDrill(_ root: Node?, name fileName: String) -> Drill? {
        guard let root else {
            issue("", nil, "the drill is empty; start from one in drills/")
            return nil
        }
        let top = mapping(root, "", section: "")
        checkAPIVersion(top, root: root)
        if let kind = string(top["kind"], "kind"), kind != DrillReader.kind {
            issue("kind", top["kind"], "this file is a '\(kind)', not a drill (`kind: \(DrillReader.kind)`)")
        } else if top["kind"] == nil {
            issue("kind", root, "missing kind; add `kind: \(DrillReader.kind)`")
        }
        let name = string(top["name"], "name") ?? fileName
        let description = string(top["description"], "description")
        let cluster = readCluster(top["cluster"], root: root)
        let load = readLoad(top["load"])
        let steps = readSteps(top["steps"], root: root)
        let expectations = readExpectations(top["expect"])
        checkPrevious(steps)
        if case .inline(let spec) = cluster { checkNames(steps: steps, load: load, nodes: spec.nodes.map(\.name)) }
        if case .spec(let path) = cluster, let spec = try? SpecReader.load(path: path, checkBinaries: false) {
            checkNames(steps: steps, load: load, nodes: spec.nodes.map(\.name))
        }
        guard let cluster else { return nil }
        return Drill(name: name, description: description, cluster: cluster, load: load, steps: steps, expectations: expectations)
    }

    /// `cluster:` — a spec path (checked to read), or a spec written as a mapping.
    mutating func readCluster(_ node: Node?, root: Node) -> Drill.Cluster? {
        guard let node else {
            issue("cluster", root, "missing cluster: a spec path (e.g. ../clusters/drill3.yaml) or a spec as a mapping")
            return nil
        }
        if node.mapping != nil {
            let (spec, problems) = SpecReader.read(node, path: "cluster", checkBinaries: false)
            issues += problems
            return spec.map { .inline($0) }
        }
        guard let text = string(node, "cluster") else { return nil }
        let path = URL(fileURLWithPath: text, relativeTo: URL(fileURLWithPath: directory, isDirectory: true)).standardizedFileURL.path
        do {
            _ = try SpecReader.load(path: path, checkBinaries: false)
        } catch {
            issue("cluster", node, "the spec \(path) cannot be used: \(error)")
        }
        return .spec(path: path)
    }

    mutating func readLoad(_ node: Node?) -> Drill.Load {
        var load = Drill.Load()
        let map = mapping(node, "load", section: "load")
        if let senders = map["senders"] { load.senders = selector(senders, "load.senders") ?? load.senders }
        if let rate = number(map["rate"], "load.rate", range: 0.1...10_000) { load.rate = rate }
        if let size = int(map["size"], "load.size", range: SequencedPayload.prefixBytes...1_048_576) { load.size = size }
        if let seconds = duration(map["seconds"], "load.seconds") { load.seconds = seconds }
        return load
    }

    mutating func readExpectations(_ node: Node?) -> Drill.Expectations {
        var expectations = Drill.Expectations()
        let map = mapping(node, "expect", section: "expect")
        if let value = bool(map["noLoss"], "expect.noLoss") { expectations.noLoss = value }
        if let value = bool(map["noDuplicates"], "expect.noDuplicates") { expectations.noDuplicates = value }
        if let value = bool(map["perSenderOrder"], "expect.perSenderOrder") { expectations.perSenderOrder = value }
        if let value = bool(map["hashesAgree"], "expect.hashesAgree") { expectations.hashesAgree = value }
        if let value = bool(map["missedReported"], "expect.missedReported") { expectations.missedReported = value }
        if let value = duration(map["recoveredWithin"], "expect.recoveredWithin") { expectations.recoveredWithin = value }
        return expectations
    }

    /// Named nodes must be the cluster's.
    mutating func checkNames(steps: [DrillStep], load: Drill.Load, nodes: [String]) {
        func check(_ selector: NodeSelector?, _ path: String) {
            guard case .named(let name) = selector, !nodes.contains(name) else { return }
            issues.append(SpecIssue(
                path: path, line: lines[path],
                message: "'\(name)' is not a node of the drill's cluster (\(nodes.joined(separator: ", "))) nor one of \(NodeSelector.keywords.joined(separator: ", "))"))
        }
        check(load.senders, "load.senders")
        for step in steps { check(step.action.selector, "\(step.path).\(step.action.kind)") }
    }

    /// `previous` needs an earlier step that picked nodes.
    mutating func checkPrevious(_ steps: [DrillStep]) {
        var picked = false
        for step in steps {
            guard let selector = step.action.selector else { continue }
            if selector == .previous, !picked {
                let path = "\(step.path).\(step.action.kind)"
                issues.append(SpecIssue(path: path, line: lines[path], message: "`previous` names the nodes of an earlier step, and no earlier step picks any"))
            }
            picked = true
        }
    }

    // MARK: values

    mutating func selector(_ node: Node?, _ path: String) -> NodeSelector? {
        string(node, path).map(NodeSelector.init)
    }

    mutating func bool(_ node: Node?, _ path: String) -> Bool? {
        guard let node else { return nil }
        switch node.scalar?.string {
        case "true": return true
        case "false": return false
        default:
            issue(path, node, "expected true or false")
            return nil
        }
    }

    mutating func number(_ node: Node?, _ path: String, range: ClosedRange<Double>) -> Double? {
        guard let node else { return nil }
        guard let value = node.scalar.flatMap({ Double($0.string) }), value.isFinite else {
            issue(path, node, "expected a number")
            return nil
        }
        guard range.contains(value) else {
            issue(path, node, "\(node.scalar?.string ?? "\(value)") is out of range \(range.lowerBound.formatted())…\(range.upperBound.formatted())")
            return nil
        }
        return value
    }

    /// Seconds: a number (`30`), or a number with a unit (`500ms`, `5s`, `2m`); more than 0, at most a day.
    mutating func duration(_ node: Node?, _ path: String) -> Double? {
        guard let node else { return nil }
        let text = node.scalar?.string ?? ""
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var seconds: Double?
        if let plain = Double(text) {
            seconds = plain
        } else if let (suffix, factor) = units.first(where: { text.hasSuffix($0.0) }), let value = Double(text.dropLast(suffix.count)) {
            seconds = value * factor
        }
        guard let seconds, seconds.isFinite else {
            issue(path, node, "expected a duration: seconds (30), or with a unit (500ms, 5s, 2m)")
            return nil
        }
        guard seconds > 0, seconds <= 86_400 else {
            issue(path, node, "\(text) is out of range: more than 0, at most a day")
            return nil
        }
        return seconds
    }
}

extension Double {
    /// `0.1`, `10000`: the number without a trailing `.0`.
    fileprivate func formatted() -> String { self == rounded() ? String(Int(self)) : String(self) }
}
