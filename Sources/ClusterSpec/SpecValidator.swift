import Foundation
import HeadnetCore

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
            if node.listen.port < HydraPorts.lowestListenPort {
                report(
                    "\(paths[index]).listen",
                    "listen port \(node.listen.port) is below \(HydraPorts.lowestListenPort): by Hydra's rule (\(HydraPorts.clientRule)) its etcd client port would be invalid")
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
        }
        for (path, message) in addressIssues(spec, paths: paths, lines: lines) { report(path, message) }
        if checkBinaries, !spec.hosts.contains(where: { $0.ssh != nil }) || spec.nodes.contains(where: { spec.host(of: $0)?.ssh == nil }) {
            if let problem = binaryProblem(spec.etcd.binary) { report("etcd.binary", problem) }
        }
        return issues
    }

    /// Why `binary` (`etcd.binary`) cannot be run; nil when it can. A path (with a `/`) must be an
    /// executable file; a name must be found on PATH.
    static func binaryProblem(_ binary: String) -> String? {
        guard findExecutable(binary) == nil else { return nil }
        guard binary.contains("/") else {
            return "etcd binary '\(binary)' not found on PATH; install it (apt-get install etcd-server) or give its path"
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: binary, isDirectory: &isDirectory) else {
            return "etcd binary \(binary) does not exist; install etcd there or correct the path (a name without '/', such as etcd, is looked up on PATH)"
        }
        if isDirectory.boolValue { return "etcd binary \(binary) is a directory; give the path of the etcd program in it" }
        return "etcd binary \(binary) is not executable; make it so (chmod +x \(binary)) or give another path"
    }

    /// Each node's addresses against its host's address (``ClusterSpec/host(of:)``): the listen
    /// address is the host's, or a wildcard (`0.0.0.0`, `[::]`: every address); the advertised
    /// address is the host's. Loopback addresses are all this machine. As (path, message) pairs.
    static func addressIssues(_ spec: ClusterSpec, paths: [String], lines: [String: Int]) -> [(String, String)] {
        var issues: [(String, String)] = []
        for (index, node) in spec.nodes.enumerated() {
            guard let host = spec.host(of: node), !host.address.isEmpty else { continue }
            let path = paths[index]
            let implicit = lines["\(path).host"] == nil && lines[path] != nil
            let which = implicit
                ? "it is on host '\(host.name)' (\(host.address)), where nodes without `host:` go"
                : "its host '\(host.name)' has address \(host.address)"
            let elsewhere = implicit ? "; a node on another machine needs `host:` naming one of `hosts:`" : ""
            let listenEverywhere = Address.isWildcard(node.listen.host)
            let hostListen = Address(host: host.address, port: node.listen.port)
            if !listenEverywhere, !Address.sameHost(node.listen.host, host.address) {
                issues.append((
                    "\(path).listen",
                    "node '\(node.name)' listens on \(node.listen), but \(which); listen on \(hostListen), or on "
                        + "\(Address(host: "0.0.0.0", port: node.listen.port)) (every address) with `advertise: \(hostListen)`\(elsewhere)"))
            }
            guard node.advertise != node.listen || listenEverywhere, !Address.sameHost(node.advertise.host, host.address) else { continue }
            let hostAdvertise = Address(host: host.address, port: node.advertise.port)
            if Address.isWildcard(node.advertise.host) {
                let certificates = spec.tlsEnabled ? " and TLS certificates cannot name" : ""
                issues.append((
                    "\(path).advertise",
                    "node '\(node.name)' advertises \(node.advertise.host), an address its peers cannot dial\(certificates); "
                        + "advertise its host's address: `advertise: \(hostAdvertise)`"))
            } else {
                issues.append((
                    "\(path).advertise",
                    "node '\(node.name)' advertises \(node.advertise), but \(which); advertise \(hostAdvertise)\(elsewhere)"))
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

    /// What is valid but unwise in `spec`; `lines` maps YAML paths to lines for the report,
    /// `nodePaths` gives each node's YAML path (default `nodes[i]`).
    ///
    /// An even number of nodes (etcd members) gets a warning: it tolerates no more failures than
    /// one node fewer (4 members: quorum 3, one may fail, as with 3 members). So does each node on
    /// a remote host (``ClusterSpec/remoteNodes``): `headnet up` cannot start it yet.
    public static func warnings(_ spec: ClusterSpec, lines: [String: Int] = [:], nodePaths: [String]? = nil) -> [SpecIssue] {
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
        let paths = nodePaths ?? spec.nodes.indices.map { "nodes[\($0)]" }
        for (index, node) in spec.nodes.enumerated() {
            guard let host = spec.host(of: node), !host.isThisMachine else { continue }
            let path = "\(paths[index]).host"
            warnings.append(SpecIssue(
                path: path, line: lines[path] ?? lines[paths[index]],
                message: "node \(node.name) is on host \(host.name) (\(host.address)): remote hosts are not supported yet, "
                    + "so `headnet up` will refuse this spec; `headnet generate` writes what runs it there"))
        }
        return warnings
    }

    /// The path of an executable: `name` itself if it contains a slash, else the first match on PATH.
    public static func findExecutable(_ name: String) -> String? {
        if name.contains("/") { return isExecutableFile(name) ? name : nil }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// Whether `path` is a file (not a directory) this process may execute.
    static func isExecutableFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }
}
