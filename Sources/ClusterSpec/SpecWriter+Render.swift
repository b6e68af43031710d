extension SpecWriter {
    /// The whole spec as `headnet/v1` YAML with every setting written out, so that reading it
    /// gives `spec` back. What `headnet member add` and `remove` write when they cannot edit the
    /// spec file in place (``SpecEditor``): the comments of the earlier file are not kept.
    public static func render(_ spec: ClusterSpec) -> String {
        let etcd = spec.etcd
        let network = spec.network
        var lines = [
            "# headnet cluster spec, rewritten by headnet (the earlier file's comments were not kept).",
            "apiVersion: \(ClusterSpec.apiVersion)",
            "name: \(scalar(spec.name))",
            "protocolVersion: \(spec.protocolVersion)",
            "tls: \(spec.tls.rawValue)",
            "etcd:",
            "  binary: \(scalar(etcd.binary))",
            "  autoCompaction: {mode: \(scalar(etcd.compactionMode)), retention: \(scalar(etcd.compactionRetention))}",
            "  heartbeatMs: \(etcd.heartbeatMs)",
            "  electionMs: \(etcd.electionMs)",
            "  quotaBackendBytes: \(etcd.quotaBackendBytes)",
            "network:",
            "  queueCapacity: \(network.queueCapacity)",
            "  leaseTTLSeconds: \(network.leaseTTLSeconds)",
            "  batch: {maxMessages: \(network.batchMaxMessages), maxBytes: \(network.batchMaxBytes)}",
        ]
        if spec.hosts != [HostSpec.local] {
            lines.append("hosts:")
            for host in spec.hosts {
                var fields = ["name: \(scalar(host.name))", "address: \(scalar(host.address))"]
                if let ssh = host.ssh {
                    var sshFields = ["user: \(scalar(ssh.user))", "port: \(ssh.port)"]
                    if let key = ssh.identityFile { sshFields.append("identityFile: \(scalar(key))") }
                    fields.append("ssh: {\(sshFields.joined(separator: ", "))}")
                }
                if let namespace = host.namespace { fields.append("namespace: \(scalar(namespace))") }
                lines.append("  - {\(fields.joined(separator: ", "))}")
            }
        }
        if let founders = spec.initialCluster {
            lines.append(initialClusterLine(founders))
        }
        if spec.nodes.isEmpty {
            lines.append("nodes: []")
        } else {
            lines.append("nodes:")
            lines += spec.nodes.map { "  - \(nodeEntry($0, in: spec))" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The `initialCluster:` line: the founding members as `name=host:port`, with a comment.
    public static func initialClusterLine(_ founders: [FoundingMember]) -> String {
        "initialCluster: [\(founders.map { scalar($0.description) }.joined(separator: ", "))]"
            + "   # founding members: they name the etcd data dirs; kept by `headnet member`"
    }

    /// A node as a one-line flow mapping: name and listen, then advertise, host and api where
    /// they differ from their defaults in `spec`.
    public static func nodeEntry(_ node: NodeSpec, in spec: ClusterSpec) -> String {
        var fields = ["name: \(scalar(node.name))", "listen: \(scalar(node.listen.description))"]
        if node.advertise != node.listen { fields.append("advertise: \(scalar(node.advertise.description))") }
        let defaultHost = spec.hosts.contains { $0.name == HostSpec.local.name } ? HostSpec.local.name : spec.hosts.first?.name
        if node.host != defaultHost { fields.append("host: \(scalar(node.host))") }
        if node.apiPort != NodeSpec(name: node.name, listen: node.listen).apiPort { fields.append("api: \(node.apiPort)") }
        return "{\(fields.joined(separator: ", "))}"
    }

    /// `text` as a YAML scalar: plain when it is safe in flow context, else single-quoted.
    static func scalar(_ text: String) -> String {
        let safe = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._/:=-@+".unicodeScalars.contains(scalar))
        }
        let first = text.unicodeScalars.first
        if safe, let first, !"-:=@".unicodeScalars.contains(first), !text.hasSuffix(":") { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
