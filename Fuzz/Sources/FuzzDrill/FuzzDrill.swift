import ClusterSpec
import Drills
import HeadnetCore

/// `fuzz-drill`: the input is a drill file's text, read as `headnet drill` reads it:
/// `DrillReader.parse(_:name:directory:)` (YAML through Yams, the walk that collects every
/// problem with its path and line, an inline cluster through the spec reader). The directory
/// does not exist, so a `cluster:` path reads nothing of the file system but fails.
///
/// Besides not crashing, it checks: a refused drill names at least one problem (or is a syntax
/// error); a drill that reads has a cluster path that is absolute, steps whose kind is one of
/// `DrillAction.kinds` and whose durations are more than 0 and at most a day; its selectors
/// (every step's and the load's senders) resolve, or refuse, on 3 and 5 nodes with and without
/// a leader, picking nodes of the list in its order, as many as the selector says; a named node
/// of an inline cluster is one of its nodes; an inline cluster renders (`SpecWriter.render`) to
/// YAML that reads back to the same spec.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let drill: Drill
    do {
        drill = try DrillReader.parse(text, name: "fuzz", directory: "/nonexistent-fuzz")
    } catch {
        guard error.code == .syntax || !error.issues.isEmpty else { fail("a drill refused without a problem: \(error)", text) }
        _ = error.description
        return 0
    }
    _ = (drill.name, drill.description, drill.needsNetworkNamespaces, drill.steps.map(\.action.isFault))
    checkDurations(drill, text)
    let selectors = [drill.load.senders] + drill.steps.compactMap(\.action.selector)
    for step in drill.steps {
        guard DrillAction.kinds.contains(step.action.kind) else { fail("\(step.path) reads as an unknown kind '\(step.action.kind)'", text) }
    }
    for count in [3, 5] {
        let nodes = (1...count).map { "node\($0)" }
        for leader in [nodes[0], nodes[count - 1], nil] {
            var generator = SeededGenerator(seed: UInt64(count))
            var previous: [String] = []
            for selector in selectors {
                let result = selector.resolve(nodes: nodes, leader: leader, previous: previous, using: &generator)
                guard case .success(let picked) = result else { continue }
                checkPicked(picked, by: selector, nodes: nodes, leader: leader, previous: previous, text)
                previous = picked
            }
        }
    }
    switch drill.cluster {
    case .spec(let path):
        guard path.hasPrefix("/") else { fail("the cluster path \(path) is not absolute", text) }
    case .inline(let spec):
        let names = spec.nodes.map(\.name)
        var generator = SeededGenerator(seed: 1)
        for selector in selectors {
            if case .failure(.unknownNode(let name)) = selector.resolve(nodes: names, leader: names.first, previous: names, using: &generator) {
                fail("the drill reads with '\(name)', not a node of its cluster (\(names))", text)
            }
        }
        checkRendering(spec, text)
    }
    return 0
}

/// Durations are more than 0 and at most a day, as `DrillWalker.duration` promises.
func checkDurations(_ drill: Drill, _ text: String) {
    var durations = [drill.load.seconds, drill.expectations.recoveredWithin]
    for step in drill.steps { if case .wait(let seconds) = step.action { durations.append(seconds) } }
    for case let seconds? in durations where !(seconds > 0 && seconds <= 86_400) {
        fail("a duration of \(seconds) s reads (more than 0, at most a day)", text)
    }
}

/// What `NodeSelector.resolve` picks: nodes of the list, in its order, as many as the selector
/// says.
func checkPicked(_ picked: [String], by selector: NodeSelector, nodes: [String], leader: String?, previous: [String], _ text: String) {
    guard selector == .previous || picked == nodes.filter(picked.contains), Set(picked).count == picked.count else {
        fail("\(selector) picked \(picked), not nodes of \(nodes) in their order", text)
    }
    let expected: Int? =
        switch selector {
        case .named, .leader, .random: 1
        case .follower: leader == nil ? nil : 1
        case .followers: leader.map { leader in nodes.filter { $0 != leader }.count }
        case .quorum: Quorum.of(nodes.count)
        case .minority: max(1, nodes.count - Quorum.of(nodes.count))
        case .all: nodes.count
        case .previous: previous.count
        }
    guard picked.count == expected else { fail("\(selector) picked \(picked) of \(nodes) (leader \(leader ?? "none"))", text) }
}

/// An inline cluster renders to YAML that reads back to the same spec, as `SpecWriter.render`
/// promises.
func checkRendering(_ spec: ClusterSpec, _ text: String) {
    let rendered = SpecWriter.render(spec)
    do {
        let again = try SpecReader.check(rendered, checkBinaries: false)
        guard again.spec == spec else {
            fail("the rendered cluster reads back as another spec:\n\(rendered)\nread as \(again.spec)\ninstead of \(spec)", text)
        }
    } catch {
        fail("the rendered cluster does not read back: \(error)\n\(rendered)", text)
    }
}

/// Stops the run, quoting the input, so that the report alone reproduces it.
func fail(_ what: String, _ text: String) -> Never {
    fatalError("\(what)\n--- input ---\n\(text)\n--- end ---")
}
