import HeadnetCore

/// Writes new specs (`headnet init`).
public enum SpecWriter {
    /// A spec for `nodes` nodes on loopback, listen ports `firstListenPort`… (5001… by
    /// default), named alice, bob, carol, … .
    public static func devnet(name: String = "devnet", nodes: Int = 3, tls: Bool = false, firstListenPort: Int = 5001) -> String {
        var lines = [
            "# headnet cluster spec: `headnet up` starts it, `headnet validate` checks it.",
            "apiVersion: \(ClusterSpec.apiVersion)",
            "name: \(name)",
            "protocolVersion: 2",
            tls
                ? "tls: on               # on: etcd serves clients and peers over TLS with client-certificate auth"
                : "tls: auto             # auto: on when any address is not loopback",
            "etcd:",
            "  binary: etcd",
            "  autoCompaction: {mode: revision, retention: 1000}   # etcd runs it every 5 minutes",
            "  heartbeatMs: 100",
            "  electionMs: 1000",
            "network:",
            "  queueCapacity: 100",
            "  leaseTTLSeconds: 3",
            "  batch: {maxMessages: 50, maxBytes: 262144}",
            "nodes:                # \(HydraPorts.clientRule), \(HydraPorts.apiRule)",
        ]
        for node in devnetNodes(nodes, firstListenPort: firstListenPort) {
            lines.append("  - {name: \(node.name), listen: \(node.listen)}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The nodes of ``devnet(name:nodes:tls:firstListenPort:)``: alice, bob, … (node11, node12, …
    /// after the tenth) on 127.0.0.1, listen ports `firstListenPort`, `firstListenPort + 1`, … .
    public static func devnetNodes(_ count: Int, firstListenPort: Int) -> [NodeSpec] {
        let names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
        return (0..<count).map { index in
            NodeSpec(name: index < names.count ? names[index] : "node\(index + 1)", listen: Address(host: "127.0.0.1", port: firstListenPort + index))
        }
    }

    /// Each port `node` binds: listen, etcd client and API, with what it is for.
    public static func ports(of node: NodeSpec) -> [(what: String, port: Int)] {
        [("listen", node.listen.port), ("etcd client", node.clientPort), ("API", node.apiPort)]
    }

    /// The first listen port of a devnet of `nodes` nodes whose ports — listen, etcd client
    /// (listen − 2622) and API (listen − 1000) — are all outside `taken` and `isFree`: 5001,
    /// else 5011, 5021, … up to 5901. Nil when no block fits.
    public static func firstFreeListenPort(nodes: Int, taken: Set<Int>, isFree: (Int) -> Bool) -> Int? {
        stride(from: 5001, through: 5901, by: 10).first { first in
            devnetNodes(nodes, firstListenPort: first).allSatisfy { node in
                ports(of: node).allSatisfy { !taken.contains($0.port) && isFree($0.port) }
            }
        }
    }
}
