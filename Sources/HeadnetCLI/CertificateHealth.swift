import Deploy
import Foundation
import Health
import Orchestrator

/// `headnet health`'s certificate checks: one per certificate of a TLS cluster (the CA, each
/// node's server and peer certificates, the client's), none with TLS off.
enum CertificateHealth {
    /// The results for the cluster `runner` runs, as of `now`.
    static func results(_ runner: LocalClusterRunner, now: Date = Date()) -> [CheckResult] {
        guard runner.spec.tlsEnabled else { return [] }
        return ClusterPKI(directory: runner.layout.pkiDirectory).expiries(for: runner.spec).map { expiry in
            switch expiry.notAfter {
            case .success(let notAfter):
                CertificateExpiryCheck.check(name: expiry.name, notAfter: notAfter, now: now, authority: expiry.isAuthority)
            case .failure(let error):
                CertificateExpiryCheck.unreadable(name: expiry.name, path: expiry.path, reason: error.cause.map { "\($0)" } ?? error.message)
            }
        }
    }
}
