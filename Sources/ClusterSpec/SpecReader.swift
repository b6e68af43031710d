import Foundation
import HeadnetCore
import Yams

/// Reads a `headnet/v1` spec from YAML, collecting every problem with its path and line
/// instead of stopping at the first.
public enum SpecReader {
    /// Reads and validates the spec file at `path`.
    public static func load(path: String, checkBinaries: Bool = true) throws -> ClusterSpec {
        try check(path: path, checkBinaries: checkBinaries).spec
    }

    /// Parses and validates spec text.
    public static func parse(_ yaml: String, checkBinaries: Bool = true) throws -> ClusterSpec {
        try check(yaml, checkBinaries: checkBinaries).spec
    }

    /// Reads and validates the spec file at `path`, and lists its warnings (see
    /// ``SpecValidator/warnings(_:lines:nodePaths:)``); throws ``SpecError`` only for errors.
    public static func check(path: String, checkBinaries: Bool = true) throws -> SpecCheck {
        let text = try SpecWalker.text(
            of: path, document: "spec", missingHint: "name one with -f FILE or HEADNET_SPEC=FILE, or write one with `headnet init`")
        return try check(text, checkBinaries: checkBinaries)
    }

    /// Every key the reader accepts, by the mapping it belongs to: `""` is the top level,
    /// `hosts[]` each entry of `hosts:`, `nodes[]` each node, and so on. Any other key is an
    /// error (with the nearest known key as a suggestion).
    public static let acceptedKeys: [String: [String]] = [
        "": ["apiVersion", "name", "protocolVersion", "tls", "etcd", "network", "hosts", "initialCluster", "nodes"],
        "etcd": ["binary", "autoCompaction", "heartbeatMs", "electionMs", "quotaBackendBytes"],
        "etcd.autoCompaction": ["mode", "retention"],
        "network": ["queueCapacity", "leaseTTLSeconds", "batch"],
        "network.batch": ["maxMessages", "maxBytes"],
        "hosts[]": ["name", "address", "ssh", "namespace"],
        "hosts[].ssh": ["user", "port", "identityFile"],
        "nodes[]": ["name", "listen", "advertise", "host", "api"],
    ]

    /// Every accepted key as a path, sorted: `apiVersion`, `etcd.autoCompaction.mode`,
    /// `hosts[].ssh.user`, `nodes[].host`, … (what the README's table of spec keys lists).
    public static var keyPaths: [String] {
        acceptedKeys.flatMap { section, keys in keys.map { section.isEmpty ? $0 : "\(section).\($0)" } }.sorted()
    }

    /// Parses and validates spec text, and lists its warnings; throws ``SpecError`` only for errors.
    public static func check(_ yaml: String, checkBinaries: Bool = true) throws -> SpecCheck {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw SpecError.syntax(error, yaml: yaml)
        } catch {
            throw SpecError(.syntax, "the spec is not valid YAML: \(error)", cause: error)
        }
        var walker = SpecWalker()
        let spec = walker.readSpec(root)
        if let spec {
            walker.issues += SpecValidator.validate(spec, lines: walker.lines, nodePaths: walker.nodePaths, checkBinaries: checkBinaries)
        }
        guard let spec, walker.issues.isEmpty else { throw SpecError.invalid(walker.issues, document: "spec") }
        return SpecCheck(spec: spec, warnings: SpecValidator.warnings(spec, lines: walker.lines, nodePaths: walker.nodePaths))
    }

    /// Reads and validates a spec written inside another YAML file (a drill's `cluster:`): the
    /// spec, or nil, and every problem with its path under `path` and its line in that file.
    public static func read(_ node: Node, path: String, checkBinaries: Bool = true) -> (spec: ClusterSpec?, issues: [SpecIssue]) {
        var walker = SpecWalker()
        let spec = walker.readSpec(node)
        if let spec {
            walker.issues += SpecValidator.validate(spec, lines: walker.lines, nodePaths: walker.nodePaths, checkBinaries: checkBinaries)
        }
        let issues = walker.issues.map { issue in
            var issue = issue
            issue.path = issue.path.isEmpty ? path : "\(path).\(issue.path)"
            return issue
        }
        return (issues.isEmpty ? spec : nil, issues)
    }
}

/// Walks the composed YAML tree into a ``ClusterSpec``.
struct SpecWalker: YAMLReading {
    var issues: [SpecIssue] = []
    /// Line of each path seen, for semantic checks that report later.
    var lines: [String: Int] = [:]
    /// YAML path of each node that was read (`nodes[i]`; unreadable nodes are skipped).
    var nodePaths: [String] = []

    /// Every key the spec accepts, by section (``SpecReader/acceptedKeys``).
    var acceptedKeys: [String: [String]] { SpecReader.acceptedKeys }

    mutating func address(_ node: Node?, _ path: String) -> Address? {
        guard let text = string(node, path) else { return nil }
        do {
            return try Address(validating: text)
        } catch {
            issue(path, node, error.message)
            return nil
        }
    }

    mutating func readSpec(_ root: Node?) -> ClusterSpec? {
        guard let root else {
            issues.append(SpecIssue(path: "", message: "the spec is empty; start from `headnet init`"))
            return nil
        }
        let top = mapping(root, "", section: "")
        checkAPIVersion(top, root: root)
        let name = string(top["name"], "name")
        if top["name"] == nil { issue("name", root, "missing cluster name") }
        if let name, name.contains(where: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            issue("name", top["name"], "'\(name)' may only contain letters, digits, '-' and '_' (it names a directory)")
        }
        var spec = ClusterSpec(name: name ?? "cluster", nodes: [])
        if let version = int(top["protocolVersion"], "protocolVersion", range: 0...Int(Int32.max)) {
            spec.protocolVersion = UInt64(version)
        }
        if let tls = top["tls"] {
            let text = tls.scalar?.string ?? ""
            if let mode = TLSMode(rawValue: text) { spec.tls = mode } else if text == "true" { spec.tls = .on } else if text == "false" {
                spec.tls = .off
            } else {
                issue("tls", tls, "expected auto, on or off")
            }
        }
        readEtcd(top["etcd"], into: &spec.etcd)
        readNetwork(top["network"], into: &spec.network)
        if top["hosts"] != nil { spec.hosts = readHosts(top["hosts"]) }
        if let initialCluster = top["initialCluster"] { spec.initialCluster = readInitialCluster(initialCluster) }
        spec.nodes = readNodes(top["nodes"], hosts: spec.hosts)
        if top["nodes"] == nil { issue("nodes", root, "missing nodes; a cluster needs at least one node") }
        return spec
    }

    mutating func readEtcd(_ node: Node?, into etcd: inout EtcdSettings) {
        let map = mapping(node, "etcd", section: "etcd")
        if let binary = string(map["binary"], "etcd.binary") { etcd.binary = binary }
        let compaction = mapping(map["autoCompaction"], "etcd.autoCompaction", section: "etcd.autoCompaction")
        if let mode = string(compaction["mode"], "etcd.autoCompaction.mode") {
            if ["revision", "periodic"].contains(mode) { etcd.compactionMode = mode } else {
                issue("etcd.autoCompaction.mode", compaction["mode"], "expected revision or periodic")
            }
        }
        if let retention = string(compaction["retention"], "etcd.autoCompaction.retention") { etcd.compactionRetention = retention }
        if let value = int(map["heartbeatMs"], "etcd.heartbeatMs", range: 1...10_000) { etcd.heartbeatMs = value }
        if let value = int(map["electionMs"], "etcd.electionMs", range: 1...50_000) { etcd.electionMs = value }
        if let value = int(map["quotaBackendBytes"], "etcd.quotaBackendBytes", range: 0...Int(Int64.max)) { etcd.quotaBackendBytes = Int64(value) }
        if etcd.electionMs < 5 * etcd.heartbeatMs, map["electionMs"] != nil || map["heartbeatMs"] != nil {
            issue("etcd.electionMs", map["electionMs"] ?? map["heartbeatMs"], "electionMs should be at least 5 × heartbeatMs (etcd refuses less than that)")
        }
    }

    mutating func readNetwork(_ node: Node?, into network: inout NetworkSettings) {
        let map = mapping(node, "network", section: "network")
        if let value = int(map["queueCapacity"], "network.queueCapacity", range: 1...1_000_000) { network.queueCapacity = value }
        if let value = int(map["leaseTTLSeconds"], "network.leaseTTLSeconds", range: 1...3600) { network.leaseTTLSeconds = value }
        let batch = mapping(map["batch"], "network.batch", section: "network.batch")
        if let value = int(batch["maxMessages"], "network.batch.maxMessages", range: 1...10_000) { network.batchMaxMessages = value }
        if let value = int(batch["maxBytes"], "network.batch.maxBytes", range: 1...1_400_000) { network.batchMaxBytes = value }
    }

    mutating func readHosts(_ node: Node?) -> [HostSpec] {
        var hosts: [HostSpec] = []
        for (index, item) in sequence(node, "hosts").enumerated() {
            let path = "hosts[\(index)]"
            let map = mapping(item, path, section: "hosts[]")
            guard let name = string(map["name"], "\(path).name") else {
                if map["name"] == nil { issue("\(path).name", item, "a host needs a name") }
                continue
            }
            lines["\(path).name"] = map["name"]?.mark?.line
            let address = string(map["address"], "\(path).address")
            if map["address"] == nil { issue("\(path).address", item, "host '\(name)' needs an address") }
            if let address, let problem = Address.hostProblem(address) { issue("\(path).address", map["address"], problem) }
            var ssh: SSHSpec?
            if let sshNode = map["ssh"] {
                let sshMap = mapping(sshNode, "\(path).ssh", section: "hosts[].ssh")
                var settings = SSHSpec()
                if let user = string(sshMap["user"], "\(path).ssh.user") { settings.user = user }
                if let port = int(sshMap["port"], "\(path).ssh.port", range: 1...65535) { settings.port = port }
                settings.identityFile = string(sshMap["identityFile"], "\(path).ssh.identityFile")
                ssh = settings
            }
            let namespace = string(map["namespace"], "\(path).namespace")
            if let namespace, namespace.isEmpty || !namespace.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                issue("\(path).namespace", map["namespace"], "namespace '\(namespace)' must be an `ip netns` name: letters, digits, '-' and '_'")
            }
            if namespace != nil, ssh != nil { issue("\(path).namespace", map["namespace"], "host '\(name)' has both ssh and a namespace; a namespace is on this machine, drop ssh") }
            hosts.append(HostSpec(name: name, address: address ?? "", ssh: ssh, namespace: namespace))
        }
        return hosts
    }

    /// `initialCluster:`, a list of `name=host:port`, each founding member once by name and by
    /// address.
    mutating func readInitialCluster(_ node: Node) -> [FoundingMember] {
        var founders: [(path: String, founder: FoundingMember)] = []
        for (index, item) in sequence(node, "initialCluster").enumerated() {
            let path = "initialCluster[\(index)]"
            guard let text = string(item, path) else { continue }
            let founder: FoundingMember
            do {
                founder = try FoundingMember(parsing: text)
            } catch {
                issue(path, item, error.message)
                continue
            }
            if let first = founders.first(where: { $0.founder.name == founder.name }) {
                issue(path, item, "founding member '\(founder.name)' is listed twice (also \(first.path))")
            } else if let first = founders.first(where: { $0.founder.advertise == founder.advertise }) {
                issue(path, item, "address \(founder.advertise) is listed twice (also \(first.path))")
            }
            founders.append((path, founder))
        }
        return founders.map(\.founder)
    }

    mutating func readNodes(_ node: Node?, hosts: [HostSpec]) -> [NodeSpec] {
        var nodes: [NodeSpec] = []
        for (index, item) in sequence(node, "nodes").enumerated() {
            let path = "nodes[\(index)]"
            let map = mapping(item, path, section: "nodes[]")
            let name = string(map["name"], "\(path).name")
            if map["name"] == nil { issue("\(path).name", item, "a node needs a name") }
            let listen = address(map["listen"], "\(path).listen")
            if map["listen"] == nil { issue("\(path).listen", item, "a node needs a listen address, e.g. 127.0.0.1:5001") }
            let advertise = map["advertise"].flatMap { address($0, "\(path).advertise") }
            var hostName = "local"
            if let host = string(map["host"], "\(path).host") {
                if hosts.contains(where: { $0.name == host }) { hostName = host } else {
                    issue("\(path).host", map["host"], "no host named '\(host)' in hosts (known: \(hosts.map(\.name).joined(separator: ", ")))")
                }
            } else if !hosts.contains(where: { $0.name == "local" }), let first = hosts.first {
                hostName = first.name
            }
            let api = int(map["api"], "\(path).api", range: 1...65535)
            lines[path] = item.mark?.line
            guard let name, let listen else { continue }
            nodePaths.append(path)
            nodes.append(NodeSpec(name: name, listen: listen, advertise: advertise, host: hostName, apiPort: api))
        }
        return nodes
    }
}
