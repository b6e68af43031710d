import Foundation
import Testing

@testable import Health

/// Certificate expiry against a table of dates: ok, warn from 30 days before, fail once expired.
@Suite struct CertificateExpiryCheckTests {
    /// 2026-12-06 12:00 UTC.
    static let now = Date(timeIntervalSince1970: 1_796_558_400)
    static let day: TimeInterval = 86400

    struct Row: Sendable, CustomTestStringConvertible {
        var notAfter: TimeInterval
        var verdict: Verdict
        var evidence: String
        var testDescription: String { "\(evidence) → \(verdict)" }
    }

    static let rows: [Row] = [
        Row(notAfter: 365 * day, verdict: .ok, evidence: "expires 2027-12-06 (in 365 days)"),
        Row(notAfter: 84 * day + 3600, verdict: .ok, evidence: "expires 2027-02-28 (in 84 days)"),
        Row(notAfter: 30 * day + 1, verdict: .ok, evidence: "expires 2027-01-05 (in 30 days)"),
        Row(notAfter: 30 * day, verdict: .warn, evidence: "expires 2027-01-05 (in 30 days)"),
        Row(notAfter: 1 * day, verdict: .warn, evidence: "expires 2026-12-07 (in 1 day)"),
        Row(notAfter: 5 * 3600, verdict: .warn, evidence: "expires 2026-12-06 (in 5 hours)"),
        Row(notAfter: 59, verdict: .warn, evidence: "expires 2026-12-06 (in under an hour)"),
        Row(notAfter: 0, verdict: .fail, evidence: "expired 2026-12-06 (under an hour ago)"),
        Row(notAfter: -13 * 3600, verdict: .fail, evidence: "expired 2026-12-05 (13 hours ago)"),
        Row(notAfter: -3 * day, verdict: .fail, evidence: "expired 2026-12-03 (3 days ago)"),
    ]

    @Test(arguments: rows) func aLeaf(row: Row) {
        let result = CertificateExpiryCheck.check(name: "alice-server", notAfter: Self.now + row.notAfter, now: Self.now)
        #expect(result.check == "certificate expiry" && result.subject == "alice-server")
        #expect(result.verdict == row.verdict)
        #expect(result.evidence == row.evidence)
        switch row.verdict {
        case .ok: #expect(result.hint.isEmpty)
        case .warn, .fail: #expect(result.hint.contains("`headnet certs rotate`"), "\(result.hint)")
        }
    }

    @Test(arguments: rows) func theAuthority(row: Row) {
        let result = CertificateExpiryCheck.check(name: "ca", notAfter: Self.now + row.notAfter, now: Self.now, authority: true)
        #expect(result.verdict == row.verdict && result.evidence == row.evidence)
        if row.verdict != .ok {
            #expect(result.hint.contains("The CA must be replaced") && result.hint.contains("`headnet up`"), "\(result.hint)")
            #expect(!result.hint.contains("issue new certificates with `headnet certs rotate`"), "\(result.hint)")
        }
    }

    @Test func anUnreadableCertificateFailsNamingTheFile() {
        let result = CertificateExpiryCheck.unreadable(name: "client", path: "/x/pki/client.pem", reason: "no such file")
        #expect(result.verdict == .fail && result.evidence == "cannot read /x/pki/client.pem: no such file")
        #expect(!result.hint.isEmpty)
    }
}
