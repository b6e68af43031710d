/// Alarms, database size against the backend quota, and fragmentation, per member.
public enum DatabaseCheck {
    /// etcd's default backend quota, 2 GiB.
    public static let defaultQuota: Int64 = 2 << 30

    /// Results for each reachable member of `members`.
    public static func check(_ members: [MemberStatus], quota: Int64 = defaultQuota) -> [CheckResult] {
        members.filter(\.reachable).flatMap { member -> [CheckResult] in
            var results: [CheckResult] = []
            if member.alarms.isEmpty {
                results.append(CheckResult(check: "alarms", subject: member.name, verdict: .ok, evidence: "none"))
            } else {
                let hint = member.alarms.contains("CORRUPT")
                    ? "the member's data is corrupt: remove it from the cluster and add it back empty (`headnet member remove/add`)"
                    : "the database hit its quota: compact, defragment (`headnet defrag`), then `etcdctl alarm disarm`"
                results.append(CheckResult(check: "alarms", subject: member.name, verdict: .fail, evidence: member.alarms.joined(separator: ", "), hint: hint))
            }
            let used = Double(member.dbSize) / Double(max(quota, 1))
            let size = "\(mebibytes(member.dbSize)) of \(mebibytes(quota)) quota (\(Int((used * 100).rounded())) %)"
            if used >= 0.95 {
                results.append(CheckResult(check: "db size", subject: member.name, verdict: .fail, evidence: size,
                                           hint: "etcd stops writes at the quota (NOSPACE): defragment now (`headnet defrag`)"))
            } else if used >= 0.8 {
                results.append(CheckResult(check: "db size", subject: member.name, verdict: .warn, evidence: size,
                                           hint: "defragment soon (`headnet defrag`), or raise --quota-backend-bytes"))
            } else {
                results.append(CheckResult(check: "db size", subject: member.name, verdict: .ok, evidence: size))
            }
            let free = member.dbSize - member.dbSizeInUse
            let fragmentation = "\(mebibytes(member.dbSizeInUse)) in use of \(mebibytes(member.dbSize))"
            if member.dbSize >= 64 << 20, free * 2 > member.dbSize {
                results.append(CheckResult(check: "fragmentation", subject: member.name, verdict: .warn, evidence: fragmentation,
                                           hint: "more than half the file is free pages: `headnet defrag` returns them"))
            } else {
                results.append(CheckResult(check: "fragmentation", subject: member.name, verdict: .ok, evidence: fragmentation))
            }
            return results
        }
    }

    static func mebibytes(_ bytes: Int64) -> String {
        let value = Double(bytes) / Double(1 << 20)
        return value >= 10 ? "\(Int(value.rounded())) MiB" : "\((value * 10).rounded() / 10) MiB"
    }
}
