import ClusterSpec

/// Reachability, leader and quorum, leader agreement and raft index spread over the members.
public enum LeaderCheck {
    /// Results for `members` (every member of the cluster, reachable or not).
    public static func check(_ members: [MemberStatus], indexSpreadWarning: UInt64 = 1000) -> [CheckResult] {
        var results: [CheckResult] = members.map { member in
            member.reachable
                ? CheckResult(check: "reachable", subject: member.name, verdict: .ok, evidence: "answered")
                : CheckResult(check: "reachable", subject: member.name, verdict: .fail, evidence: "no answer",
                              hint: "start its node (`headnet up`) or check the machine and the network to it")
        }
        let up = members.filter(\.reachable)
        let needed = ClusterSpec.quorum(of: members.count)
        let quorum = "\(up.count)/\(members.count) members answer, quorum \(needed)"
        let leaders = Set(up.map(\.leader).filter { $0 != 0 })
        if up.count < needed {
            results.append(CheckResult(
                check: "has leader", verdict: .fail, evidence: "\(quorum): quorum lost, no leader can be elected",
                hint: "bring back \(needed - up.count) more member\(needed - up.count == 1 ? "" : "s"); writes and broadcasts stop until then"))
        } else if leaders.isEmpty || up.contains(where: { $0.leader == 0 }) {
            results.append(CheckResult(
                check: "has leader", verdict: .fail, evidence: "\(quorum); \(up.filter { $0.leader == 0 }.map(\.name).joined(separator: ", ")) know no leader",
                hint: "an election is under way or the members cannot reach each other; check again, then the peer network"))
        } else {
            results.append(CheckResult(check: "has leader", verdict: .ok, evidence: "\(quorum); quorum holds"))
        }
        if leaders.count > 1 {
            results.append(CheckResult(
                check: "leader agreed", verdict: .fail,
                evidence: up.map { "\($0.name) → \(String($0.leader, radix: 16))" }.joined(separator: ", "),
                hint: "members disagree on the leader: a partition or a member of another cluster; compare `etcdctl member list` on each"))
        } else if let leader = leaders.first {
            results.append(CheckResult(check: "leader agreed", verdict: .ok, evidence: "leader \(String(leader, radix: 16)) for all \(up.count)"))
        }
        if let low = up.map(\.raftIndex).min(), let high = up.map(\.raftIndex).max() {
            let spread = high - low
            results.append(spread > indexSpreadWarning
                ? CheckResult(check: "raft index spread", verdict: .warn, evidence: "\(low)…\(high) (\(spread))",
                              hint: "a member is catching up; if the spread keeps growing, look at its disk and network")
                : CheckResult(check: "raft index spread", verdict: .ok, evidence: "\(low)…\(high) (\(spread))"))
        }
        return results
    }
}
