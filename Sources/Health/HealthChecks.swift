import HeadnetCore
import HeadNetwork

/// Runs every etcd-level check over a ``ClusterSnapshot``: per member reachable, health (a
/// linearizable read), alarms, db size, fragmentation; has leader, leader agreed, raft index
/// spread; member list, `version` key, `alive-` keys and the last message per sender.
public struct HealthChecks: Sendable {
    /// What the spec says, when there is one (`headnet health SPEC`); nil for `--endpoints`.
    public struct Expectation: Sendable, Hashable {
        /// The members' names (advertised `host:port`), in spec order.
        public var members: [String]
        /// The protocol version the nodes write.
        public var protocolVersion: UInt64

        /// An expectation.
        public init(members: [String], protocolVersion: UInt64) {
            self.members = members
            self.protocolVersion = protocolVersion
        }
    }

    /// What the spec says; nil when only endpoints are known.
    public var expectation: Expectation?
    /// etcd's backend quota.
    public var quota: Int64

    /// Checks against `expectation`.
    public init(expectation: Expectation? = nil, quota: Int64 = DatabaseCheck.defaultQuota) {
        self.expectation = expectation
        self.quota = quota
    }

    /// The results, in a stable order.
    public func evaluate(_ snapshot: ClusterSnapshot) -> [CheckResult] {
        var results = LeaderCheck.check(snapshot.members)
        for member in snapshot.members where member.reachable {
            if let reason = snapshot.unhealthy[member.name] {
                results.append(CheckResult(check: "health", subject: member.name, verdict: .fail, evidence: "a linearizable read failed: \(reason)",
                                           hint: "the member has no leader or no quorum behind it; see `has leader`"))
            } else {
                results.append(CheckResult(check: "health", subject: member.name, verdict: .ok, evidence: "a linearizable read answered"))
            }
        }
        results += DatabaseCheck.check(snapshot.members, quota: quota)
        if let error = snapshot.readError {
            results.append(CheckResult(check: "keys", verdict: .fail, evidence: "cannot read the cluster's keys: \(error)",
                                       hint: "reads need a leader and a quorum; see `has leader`"))
            return results
        }
        if let expectation {
            let names = Set(snapshot.memberNames)
            let expected = Set(expectation.members)
            if names == expected {
                results.append(CheckResult(check: "member list", verdict: .ok, evidence: "\(names.count) members as in the spec"))
            } else {
                let extra = names.subtracting(expected).sorted()
                let missing = expected.subtracting(names).sorted()
                results.append(CheckResult(
                    check: "member list", verdict: .fail,
                    evidence: (missing.isEmpty ? "" : "not members: \(missing.joined(separator: ", ")). ") + (extra.isEmpty ? "" : "not in the spec: \(extra.joined(separator: ", "))"),
                    hint: "etcd's membership and the spec disagree: another cluster on these ports, or a member added or removed by hand"))
            }
        }
        results.append(KeyLayoutCheck.version(snapshot.version, expected: expectation?.protocolVersion))
        let dialect = expectation.map { WireDialect(protocolVersion: $0.protocolVersion) }
            ?? snapshot.version.flatMap { WireDialect.detect(versionValue: $0)?.dialect } ?? .master
        // Hydra names each member by its advertised host:port; members named otherwise (a
        // plain etcd) cannot be matched with `alive-` keys.
        let members = expectation?.members ?? snapshot.memberNames.filter { Address(readHost: $0) != nil }
        if members.isEmpty {
            let alive = snapshot.alive.compactMap { try? dialect.decodeAlive($0.value).description }.sorted()
            results.append(CheckResult(
                check: "alive keys", verdict: .ok,
                evidence: "\(alive.count) alive\(alive.isEmpty ? "" : ": " + alive.joined(separator: ", ")); the members are not named host:port, "
                    + "so a missing peer cannot be named"))
        } else {
            results += KeyLayoutCheck.alive(snapshot.alive, members: members, dialect: dialect)
        }
        let senders = snapshot.lastMessages.sorted { $0.sender < $1.sender }.map { "\($0.sender) @\($0.revision)" }
        results.append(CheckResult(
            check: "last message per sender", verdict: .ok,
            evidence: senders.isEmpty ? "no message yet (cluster at revision \(snapshot.revision))" : senders.joined(separator: ", ") + " (cluster at \(snapshot.revision))"))
        return results
    }
}
