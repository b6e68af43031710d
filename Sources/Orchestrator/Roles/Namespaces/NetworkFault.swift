/// A network fault on one node of a ``NamespaceNetwork``, as `tc` commands (I/O-free; see
/// ``NamespaceNetwork/apply(_:to:peerPorts:ownPeerPort:)`` to carry them out).
///
/// Every fault acts on the node's **etcd peer traffic only**: packets leaving its namespace
/// to a peer port of the cluster, or from its own peer port (its answers to peers that
/// connected to it). Egress of the node's one interface is classified by `tc` (an `htb` root
/// with two classes, `u32` filters on TCP ports): class `1:2` is peer traffic and carries the
/// fault, class `1:1` is everything else and is left alone. Dropping a node's answers blocks the
/// connections peers open to it, so filtering egress alone cuts both directions.
///
/// Why peer traffic only, when Hydra's CI put `netem` on a whole container: a drill measures
/// consensus under the fault, and its load generator, `headnet health` and the plans reach the
/// node through its API and etcd client port from outside the namespace. Delaying those too
/// would measure the harness (its timeouts, its probes) instead of the cluster, and a
/// `partition` must leave them flowing to observe the partitioned node. etcd's own functional
/// tester (`BLACKHOLE_PEER_PORT_TX_RX`, `DELAY_PEER_PORT_TX_RX`) targets the peer port for the
/// same reason. The node's talk to its own etcd is on loopback inside the namespace, untouched
/// either way.
///
/// One fault at a time per node: applying one replaces the previous, ``healCommands(device:)``
/// removes it.
public enum NetworkFault: Sendable, Hashable {
    /// Peer traffic is dropped (a `blackhole` qdisc: every packet, both ways); client and API
    /// traffic keep flowing. Needs no `netem`.
    case partition
    /// Peer traffic waits `milliseconds` ± `jitter` (`netem delay`), e.g. 5000 ± 500 or 75 ± 50.
    case delay(milliseconds: Int, jitter: Int)
    /// `percent` of peer packets are lost (`netem loss`), e.g. 10, 50 or 90.
    case loss(percent: Double)
    /// `percent` of peer packets are sent at once while the others wait `milliseconds`, so they
    /// arrive out of order (`netem delay … reorder`; netem reorders only delayed traffic).
    case reorder(percent: Double, milliseconds: Int)

    /// Packets `netem` may hold at once: its default (1000) drops packets under a 5 s delay.
    public static let netemLimit = 100_000

    /// Whether the fault needs the kernel's `sch_netem`.
    public var needsNetem: Bool {
        if case .partition = self { return false }
        return true
    }

    /// The qdisc of the peer class: `blackhole` or `netem …`.
    public var leafQdisc: [String] {
        switch self {
        case .partition: ["blackhole"]
        case .delay(let milliseconds, let jitter):
            ["netem", "limit", "\(Self.netemLimit)", "delay", "\(milliseconds)ms"] + (jitter > 0 ? ["\(jitter)ms"] : [])
        case .loss(let percent): ["netem", "limit", "\(Self.netemLimit)", "loss", "\(Self.percent(percent))%"]
        case .reorder(let percent, let milliseconds):
            ["netem", "limit", "\(Self.netemLimit)", "delay", "\(milliseconds)ms", "reorder", "\(Self.percent(percent))%"]
        }
    }

    /// The `tc` commands (arguments after `tc`) that put the fault on `device`: the classes,
    /// the fault's qdisc and one filter per port. `peerPorts` are the cluster's etcd peer ports
    /// (packets *to* them are peer traffic); `ownPeerPort` is the node's (packets *from* it are).
    /// Run ``healCommands(device:)`` first: these add, they do not replace.
    public func commands(device: String, peerPorts: [Int], ownPeerPort: Int) -> [[String]] {
        let dev = ["dev", device]
        var commands: [[String]] = [
            ["qdisc", "add"] + dev + ["root", "handle", "1:", "htb", "default", "1"],
            ["class", "add"] + dev + ["parent", "1:", "classid", "1:1", "htb", "rate", "100gbit", "quantum", "60000"],
            ["class", "add"] + dev + ["parent", "1:", "classid", "1:2", "htb", "rate", "100gbit", "quantum", "60000"],
            ["qdisc", "add"] + dev + ["parent", "1:2", "handle", "20:"] + leafQdisc,
        ]
        let tcp = ["match", "ip", "protocol", "6", "0xff"]
        let filter = ["filter", "add"] + dev + ["parent", "1:", "protocol", "ip", "prio", "1", "u32"]
        for port in Set(peerPorts + [ownPeerPort]).sorted() {
            commands.append(filter + tcp + ["match", "ip", "dport", "\(port)", "0xffff", "flowid", "1:2"])
        }
        commands.append(filter + tcp + ["match", "ip", "sport", "\(ownPeerPort)", "0xffff", "flowid", "1:2"])
        return commands
    }

    /// The `tc` command that removes any fault from `device` (back to the default qdisc). It
    /// fails when there is none; ignore that.
    public static func healCommands(device: String) -> [[String]] {
        [["qdisc", "delete", "dev", device, "root"]]
    }

    /// `10`, `12.5`: netem's percent without a needless `.0`.
    static func percent(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

extension NetworkFault: CustomStringConvertible {
    /// `partition`, `delay 75±50 ms`, `loss 10%`, `reorder 25% (100 ms)`.
    public var description: String {
        switch self {
        case .partition: "partition"
        case .delay(let milliseconds, let jitter): "delay \(milliseconds)±\(jitter) ms"
        case .loss(let percent): "loss \(Self.percent(percent))%"
        case .reorder(let percent, let milliseconds): "reorder \(Self.percent(percent))% (\(milliseconds) ms)"
        }
    }
}
