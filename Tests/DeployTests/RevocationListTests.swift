import ClusterSpec
import Crypto
import Foundation
import Processes
import Testing
import X509

@testable import Deploy

/// The CRL encoding, cross-checked with OpenSSL: it parses the list, checks the CA's signature,
/// and refuses the revoked certificate while accepting another from the same CA.
@Suite struct RevocationListTests {
    static func withDirectory(_ body: (URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-crl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory)
    }

    static func openssl(_ arguments: String...) async throws -> Command.Result {
        try await Command.run("openssl", arguments)
    }

    /// The serial number as OpenSSL prints it: upper-case hex, no leading zero byte.
    static func hex(_ serial: Certificate.SerialNumber) -> String {
        serial.bytes.drop { $0 == 0 }.map { String(format: "%02X", $0) }.joined()
    }

    @Test func openSSLParsesTheListAndRefusesTheRevokedCertificateOnly() async throws {
        try await Self.withDirectory { directory in
            let ca = try CertificateAuthority.create(cluster: "crl", validity: 3600)
            let client = CertificateAuthority.Leaf(commonName: "client", subjectAltNames: [], usages: [.clientAuth])
            let old = try ca.issue(client, validity: 3600).certificate
            let new = try ca.issue(client, validity: 3600).certificate
            let now = Date()
            let list = try ca.revocationList(number: 7, entries: [.init(serialNumber: old.serialNumber, revocationDate: now)], now: now)
            func file(_ name: String, _ text: String) throws -> String {
                let path = directory.appendingPathComponent(name).path
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                return path
            }
            let caFile = try file("ca.pem", try ca.certificate.serializeAsPEM().pemString)
            let crlFile = try file("crl.pem", list.pemString)
            let oldFile = try file("old.pem", try old.serializeAsPEM().pemString)
            let newFile = try file("new.pem", try new.serializeAsPEM().pemString)

            let text = try await Self.openssl("crl", "-in", crlFile, "-noout", "-text")
            #expect(text.status.isSuccess, "\(text.output)")
            #expect(text.output.contains("Version 2 (0x1)"), "\(text.output)")
            #expect(text.output.contains("Signature Algorithm: ecdsa-with-SHA256"))
            #expect(text.output.contains("Issuer: CN = headnet crl CA"))
            #expect(text.output.contains("X509v3 CRL Number: \n                7"), "\(text.output)")
            #expect(text.output.contains("Serial Number: \(Self.hex(old.serialNumber))"), "\(text.output)")
            #expect(!text.output.contains(Self.hex(new.serialNumber)))

            let signature = try await Self.openssl("crl", "-in", crlFile, "-CAfile", caFile, "-noout")
            #expect(signature.status.isSuccess && signature.output.contains("verify OK"), "\(signature.output)")

            let refused = try await Self.openssl("verify", "-crl_check", "-CAfile", caFile, "-CRLfile", crlFile, oldFile)
            #expect(!refused.status.isSuccess && refused.output.contains("certificate revoked"), "\(refused.output)")
            let accepted = try await Self.openssl("verify", "-crl_check", "-CAfile", caFile, "-CRLfile", crlFile, newFile)
            #expect(accepted.status.isSuccess, "\(accepted.output)")
        }
    }

    @Test func anEmptyListHasNoRevokedCertificatesFieldAndOpenSSLAcceptsIt() async throws {
        try await Self.withDirectory { directory in
            let ca = try CertificateAuthority.create(cluster: "crl", validity: 3600)
            let path = directory.appendingPathComponent("crl.pem").path
            try ca.revocationList(number: 1, entries: []).pemString.write(toFile: path, atomically: true, encoding: .utf8)
            let text = try await Self.openssl("crl", "-in", path, "-noout", "-text")
            #expect(text.status.isSuccess && text.output.contains("No Revoked Certificates."), "\(text.output)")
        }
    }

    @Test func theListReadsBackAsWrittenAndOnlyTheCAKeyVerifiesIt() throws {
        let ca = try CertificateAuthority.create(cluster: "crl", validity: 3600)
        let revoked = Date(timeIntervalSince1970: 1_800_000_000.75)
        let entries = [
            RevocationList.Entry(serialNumber: Certificate.SerialNumber(), revocationDate: revoked),
            // A serial whose top bit is set is encoded with a leading zero byte and read back without it.
            RevocationList.Entry(serialNumber: Certificate.SerialNumber(bytes: [0x80, 0x01, 0x02]), revocationDate: revoked),
            RevocationList.Entry(serialNumber: Certificate.SerialNumber(bytes: [0x05]), revocationDate: revoked),
        ]
        // 2051: a GeneralizedTime (UTCTime stops at 2049).
        let later = Date(timeIntervalSince1970: 2_560_000_000)
        let list = try RevocationList(
            issuer: ca.certificate.subject, thisUpdate: revoked, nextUpdate: later, number: 300, entries: entries, signingKey: ca.key)
        let read = try RevocationList(pemEncoded: list.pemString)
        #expect(read == list)
        #expect(read.entries.map(\.serialNumber) == entries.map(\.serialNumber))
        #expect(read.thisUpdate == Date(timeIntervalSince1970: 1_800_000_000), "whole seconds")
        #expect(read.nextUpdate == later)
        #expect(read.number == 300)
        #expect(read.issuer == ca.certificate.subject)
        #expect(read.revokes(Certificate.SerialNumber(bytes: [0x05])) && !read.revokes(Certificate.SerialNumber(bytes: [0x06])))
        #expect(read.isSigned(by: ca.key.publicKey))
        #expect(!read.isSigned(by: P256.Signing.PrivateKey().publicKey))
        #expect(throws: (any Error).self) { try RevocationList(pemEncoded: try ca.certificate.serializeAsPEM().pemString) }
    }
}
