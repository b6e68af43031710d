import ClusterSpec
import Foundation
import Testing

@testable import Deploy

/// The names and expiry of a cluster's certificates, as `headnet health` and `/metrics` see them.
@Suite struct ClusterPKIExpiryTests {
    @Test func everyCertificateIsNamedWithItsNotAfterAndAMissingOneSaysWhy() async throws {
        try await ClusterBundleTests.withDirectory { directory in
            let spec = ClusterBundleTests.spec(ports: [5001, 5002], tls: true)
            let before = Date()
            let pki = try ClusterPKI.generate(for: spec, in: directory.appendingPathComponent("pki"), validity: 10 * 86400)
            let expiries = pki.expiries(for: spec)
            #expect(expiries.map(\.name) == ["ca", "alice-server", "alice-peer", "bob-server", "bob-peer", "client"])
            #expect(expiries.map(\.isAuthority) == [true, false, false, false, false, false])
            for expiry in expiries {
                let notAfter = try expiry.notAfter.get()
                // X.509 times have whole seconds (rounded either way).
                #expect(notAfter >= before + 10 * 86400 - 1 && notAfter <= Date() + 10 * 86400 + 1, "\(expiry.name): \(notAfter)")
            }
            #expect(pki.certificateFiles(of: spec.nodes[1]).map(\.name) == ["ca", "bob-server", "bob-peer", "client"])
            #expect(pki.certificateFiles(of: spec.nodes[1]).map(\.path) == [pki.caFile, pki.files(for: spec.nodes[1]).serverCertFile,
                                                                          pki.files(for: spec.nodes[1]).peerCertFile, pki.clientCertFile])

            try FileManager.default.removeItem(atPath: pki.clientCertFile)
            let client = try #require(pki.expiries(for: spec).last)
            #expect(client.name == "client" && client.path == pki.clientCertFile)
            guard case .failure(let error) = client.notAfter else { Issue.record("a missing file has no notAfter"); return }
            #expect(error.code == .pki && error.message.contains(pki.clientCertFile) && error.cause != nil, "\(error)")
        }
    }
}
