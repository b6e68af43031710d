import Foundation

/// The expiry of one of a TLS cluster's certificates: ok until 30 days before its notAfter,
/// then warn, fail once it has passed (etcd refuses an expired certificate on every new
/// connection; connections already open carry on, so the cluster can look healthy meanwhile).
public enum CertificateExpiryCheck {
    /// The check's name in reports.
    public static let name = "certificate expiry"
    /// How long before expiry the check warns: 30 days.
    public static let warningPeriod: TimeInterval = 30 * 24 * 3600

    /// The result for the certificate `name` valid until `notAfter`, as of `now`; `authority`
    /// when it is the cluster's CA (then the advice is to replace the CA: rotation keeps it).
    public static func check(name: String, notAfter: Date, now: Date, authority: Bool = false) -> CheckResult {
        let left = notAfter.timeIntervalSince(now)
        let date = day(notAfter)
        if left <= 0 {
            let hint = authority
                ? replaceAuthority("has expired: etcd refuses every certificate it signed")
                : "it has expired: etcd refuses it on every new connection; issue new certificates with `headnet certs rotate`"
            return CheckResult(check: Self.name, subject: name, verdict: .fail, evidence: "expired \(date) (\(span(-left)) ago)", hint: hint)
        }
        let evidence = "expires \(date) (in \(span(left)))"
        guard left > warningPeriod else {
            let hint = authority
                ? replaceAuthority("expires soon and `headnet certs rotate` does not renew it")
                : "renew it before it expires: `headnet certs rotate`"
            return CheckResult(check: Self.name, subject: name, verdict: .warn, evidence: evidence, hint: hint)
        }
        return CheckResult(check: Self.name, subject: name, verdict: .ok, evidence: evidence)
    }

    /// The result for a certificate that cannot be read (a missing file, not PEM); `reason` says why.
    public static func unreadable(name: String, path: String, reason: String) -> CheckResult {
        CheckResult(
            check: Self.name, subject: name, verdict: .fail, evidence: "cannot read \(path): \(reason)",
            hint: "the cluster's certificates are incomplete or damaged; `headnet up` makes them when none are there")
    }

    private static func replaceAuthority(_ what: String) -> String {
        "the CA \(what). The CA must be replaced: stop the cluster (`headnet down`), move its pki/ directory aside and run "
            + "`headnet up`, which makes a new CA and new certificates (etcd's data and the nodes' state stay)"
    }

    /// `2027-03-01`, in UTC.
    static func day(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day())
    }

    /// `84 days`, `1 day`, `5 hours`, `under an hour`.
    static func span(_ seconds: TimeInterval) -> String {
        let days = Int(seconds / 86400)
        if days >= 1 { return "\(days) day\(days == 1 ? "" : "s")" }
        let hours = Int(seconds / 3600)
        if hours >= 1 { return "\(hours) hour\(hours == 1 ? "" : "s")" }
        return "under an hour"
    }
}
