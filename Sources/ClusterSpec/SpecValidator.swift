import Foundation

/// Checks that need the whole spec: uniqueness, port rules, binaries, TLS addresses.
public enum SpecValidator {
    /// Every problem of `spec`. `lines` maps YAML paths to lines for the report; `nodePaths`
    /// gives each node's YAML path (default `nodes[i]`).
    public static func validate(
        _ spec: ClusterSpec, lines: [String: Int] = [:], nodePaths: [String]? = nil, checkBinaries: Bool = true
    ) -> [SpecIssue] {
        var issues: [SpecIssue] = []
        func report(_ path: String, _ message: String) {
            let parent = path.split(separator: ".").first.map(String.init) ?? path
            issues.append(SpecIssue(path: path, line: lines[path] ?? lines[parent], message: message))
        }
        let paths = nodePaths ?? spec.nodes.indices.map { "nodes[\($0)]" }
        if spec.nodes.isEmpty && lines["nodes"] != nil {
            report("nodes", "a cluster needs at least one node")
        }
        var names: [String: Int] = [:]
        for (index, node) in spec.nodes.enumerated() {
            if let first = names[node.name] {
                report("\(paths[index]).name", "duplicate node name '\(node.name)' (also \(paths[first]))")
            } else {
                names[node.name] = index
            }
            if node.listen.port < 2622 {
                report("\(paths[index]).listen", "listen port \(node.listen.port) is below 2622: the etcd client port 2379 + port − 5001 would be invalid")
            }
        }
        // Every port a node binds, per host: peer (listen), client and API.
        var taken: [String: (path: String, what: String)] = [:]
        for (index, node) in spec.nodes.enumerated() {
            let path = paths[index]
            let ports: [(Int, String, String)] = [
                (node.listen.port, "listen", "\(path).listen"),
                (node.clientPort, "etcd client", "\(path).listen"),
                (node.apiPort, "api", lines["\(path).api"] != nil ? "\(path).api" : "\(path).listen"),
            ]
            var own = Set<Int>()
            for (port, what, path) in ports {
                guard (1...65535).contains(port) else { continue }
                let key = "\(node.host)#\(port)"
                if let other = taken[key] {
                    report(path, "\(what) port \(port) of node '\(node.name)' collides with the \(other.what) port of \(other.path) on host '\(node.host)'")
                } else if own.contains(port) {
                    report(path, "node '\(node.name)' would use port \(port) twice (\(what)); set `api:` to another port")
                }
                own.insert(port)
                taken[key] = (path, what)
            }
        }
        issues += initialClusterIssues(spec, lines: lines)
        for (index, host) in spec.hosts.enumerated() where host.address.isEmpty == false {
            if spec.hosts[..<index].contains(where: { $0.name == host.name }) {
                report("hosts[\(index)].name", "duplicate host name '\(host.name)'")
            }
        }
        if spec.tlsEnabled {
            for (index, host) in spec.hosts.enumerated() where host.address.isEmpty {
                report("hosts[\(index)].address", "TLS is on, so host '\(host.name)' needs an address for its certificates")
            }
            for (index, node) in spec.nodes.enumerated() where ["0.0.0.0", "::"].contains(node.advertise.host) {
                report("\(paths[index]).advertise", "TLS is on: node '\(node.name)' must advertise a real address (certificates name it), not \(node.advertise.host)")
            }
        }
        if checkBinaries, !spec.hosts.contains(where: { $0.ssh != nil }) || spec.nodes.contains(where: { spec.host(of: $0)?.ssh == nil }) {
            if findExecutable(spec.etcd.binary) == nil {
                report("etcd.binary", "etcd binary '\(spec.etcd.binary)' not found on PATH; install it (apt-get install etcd-server) or give its path")
            }
        }
        return issues
    }

    /// `initialCluster:` is not empty (its entries are checked as they are read).
    static func initialClusterIssues(_ spec: ClusterSpec, lines: [String: Int]) -> [SpecIssue] {
        guard spec.initialCluster?.isEmpty == true else { return [] }
        return [SpecIssue(
            path: "initialCluster", line: lines["initialCluster"],
            message: "initialCluster is empty; list the founding members (name=host:port) or leave the key out (then every node is one)")]
    }

    /// What is valid but unwise in `spec`; `lines` maps YAML paths to lines for the report.
    ///
    /// An even number of nodes (etcd members) gets a warning: it tolerates no more failures than
    /// one node fewer (4 members: quorum 3, one may fail, as with 3 members).
    public static func warnings(_ spec: ClusterSpec, lines: [String: Int] = [:]) -> [SpecIssue] {
        var warnings: [SpecIssue] = []
        let count = spec.nodes.count
        if count > 0, count.isMultiple(of: 2) {
            let quorum = ClusterSpec.quorum(of: count)
            let tolerated = count - quorum
            let failures = tolerated == 0 ? "no node" : tolerated == 1 ? "1 node" : "\(tolerated) nodes"
            warnings.append(SpecIssue(
                path: "nodes", line: lines["nodes"],
                message: "\(count) nodes (an even number) tolerate no more failures than \(count - 1): quorum is \(quorum), "
                    + "so \(failures) may fail; use \(count - 1) or \(count + 1) nodes"))
        }
        return warnings
    }

    /// The path of an executable: `name` itself if it contains a slash, else the first match on PATH.
    public static func findExecutable(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
