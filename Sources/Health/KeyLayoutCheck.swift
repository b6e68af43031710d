import CBOR
import ClusterSpec
import HeadNetwork

/// What a head's etcd keys say, read without a headnet node: the `version` key (which protocol
/// and dialect the head speaks) and the `alive-` keys (which peers are alive), in either
/// dialect — so it works against real `hydra-node`s too.
public enum KeyLayoutCheck {
    /// The `version` key: which protocol it says, in which dialect, against `expected` (nil:
    /// nothing expected, as with `--endpoints`).
    public static func version(_ value: [UInt8]?, expected: UInt64?) -> CheckResult {
        guard let value else {
            return CheckResult(check: "version key", verdict: expected == nil ? .warn : .fail, evidence: "absent",
                               hint: "no node has written it yet: a node writes it once etcd has a leader; is any node running?")
        }
        guard let (dialect, version) = WireDialect.detect(versionValue: value) else {
            return CheckResult(check: "version key", verdict: .fail, evidence: "undecodable value \(hex(value))",
                               hint: "something other than a Hydra node wrote `version`; nodes report VersionMismatch and will not broadcast")
        }
        let evidence = "protocol \(version), \(dialect)"
        if let expected, expected != version {
            return CheckResult(check: "version key", verdict: .fail, evidence: evidence + "; the spec says \(expected)",
                               hint: "nodes of protocol \(expected) report VersionMismatch: run every node with the same protocolVersion")
        }
        if let expected, WireDialect(protocolVersion: expected) != dialect {
            return CheckResult(check: "version key", verdict: .fail, evidence: evidence + "; protocol \(expected) writes it in the other dialect",
                               hint: "the key was written by a node of another release; delete it only when every node runs the spec's protocol")
        }
        return CheckResult(check: "version key", verdict: .ok, evidence: evidence)
    }

    /// The `alive-` keys against the members (by advertised `host:port`): every member should
    /// have one. Values are decoded in `dialect`; a value in neither dialect is reported.
    public static func alive(_ keys: [(key: String, value: [UInt8])], members: [String], dialect: WireDialect) -> [CheckResult] {
        var alive: [String] = []
        var undecodable: [String] = []
        for (key, value) in keys {
            if let host = try? dialect.decodeAlive(value) {
                alive.append(host.description)
            } else if let host = try? (dialect == .master ? WireDialect.release : .master).decodeAlive(value) {
                undecodable.append("\(key) is in the other dialect (\(host))")
            } else {
                undecodable.append("\(key) = \(hex(value))")
            }
        }
        let missing = members.filter { !alive.contains($0) }
        var results: [CheckResult] = []
        let evidence = "\(alive.count) of \(members.count) alive" + (alive.isEmpty ? "" : ": \(alive.sorted().joined(separator: ", "))")
        if missing.isEmpty {
            results.append(CheckResult(check: "alive keys", verdict: .ok, evidence: evidence))
        } else {
            let needed = ClusterSpec.quorum(of: members.count)
            results.append(CheckResult(
                check: "alive keys", verdict: alive.count >= needed ? .warn : .fail, evidence: evidence + "; missing \(missing.joined(separator: ", "))",
                hint: "a missing peer's node is down or cannot keep its lease: `headnet status`, then `headnet logs NODE --trace`"))
        }
        if !undecodable.isEmpty {
            results.append(CheckResult(check: "alive values", verdict: .warn, evidence: undecodable.joined(separator: "; "),
                                       hint: "a node speaks another protocol than the `version` key; peers will not see it"))
        }
        return results
    }

    /// At most 32 bytes of `bytes` in hex, `…` when there are more.
    static func hex(_ bytes: [UInt8]) -> String {
        Hex.encode(Array(bytes.prefix(32))) + (bytes.count > 32 ? "…" : "")
    }
}
