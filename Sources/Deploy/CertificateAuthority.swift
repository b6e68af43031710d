import Crypto
import Foundation
import SwiftASN1
import X509

/// A cluster's certificate authority: its certificate and its P-256 key, which signs the leaf
/// certificates (``ClusterPKI``) and the revocation list (``RevocationList``). (Not `Sendable`:
/// swift-crypto's keys are not.)
public struct CertificateAuthority {
    /// The CA certificate every member and client trusts.
    public let certificate: Certificate
    /// The CA's key.
    let key: P256.Signing.PrivateKey

    /// What a leaf certificate is for.
    public struct Leaf: Sendable, Hashable {
        /// Its subject's common name, e.g. `alice peer`.
        public var commonName: String
        /// The host names and addresses it is valid for (none for a client certificate).
        public var subjectAltNames: [GeneralName]
        /// `serverAuth`, `clientAuth`.
        public var usages: [ExtendedKeyUsage.Usage]
    }

    /// A CA from its parts.
    init(certificate: Certificate, key: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.key = key
    }

    /// A new self-signed CA named `headnet <cluster> CA`, valid for `validity` seconds.
    static func create(cluster: String, validity: TimeInterval, now: Date = Date()) throws -> CertificateAuthority {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("headnet \(cluster) CA") }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now - 300, notValidAfter: now + validity, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(key))
        return CertificateAuthority(certificate: certificate, key: key)
    }

    /// Reads the CA from its certificate and key files (PEM).
    ///
    /// - Throws: ``DeployError`` when the key file is missing (the certificates were made without
    ///   keeping it) or the two do not belong together.
    public static func load(certificateFile: String, keyFile: String) throws -> CertificateAuthority {
        guard FileManager.default.fileExists(atPath: keyFile) else {
            throw DeployError(.pki, "there is no CA key (\(keyFile)): these certificates were made without keeping it, so no new certificate can be signed by the CA the members trust")
        }
        let certificate: Certificate
        let key: P256.Signing.PrivateKey
        do {
            certificate = try Certificate(pemEncoded: try String(contentsOfFile: certificateFile, encoding: .utf8))
            key = try P256.Signing.PrivateKey(pemRepresentation: try String(contentsOfFile: keyFile, encoding: .utf8))
        } catch {
            throw DeployError(.pki, "cannot read the CA from \(certificateFile) and \(keyFile)", cause: error)
        }
        guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
            throw DeployError(.pki, "\(keyFile) is not the key of the CA in \(certificateFile); put the CA's own key there")
        }
        return CertificateAuthority(certificate: certificate, key: key)
    }

    /// The key in PEM (written with mode 0600).
    var keyPEM: String { key.pemRepresentation }

    /// Issues a leaf certificate with a new key and a new random serial number, valid for
    /// `validity` seconds but not past the CA itself.
    func issue(_ leaf: Leaf, validity: TimeInterval, now: Date = Date()) throws -> (certificate: Certificate, key: P256.Signing.PrivateKey) {
        let key = P256.Signing.PrivateKey()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now - 300, notValidAfter: min(now + validity, certificate.notValidAfter), issuer: certificate.subject,
            subject: try DistinguishedName { CommonName(leaf.commonName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage(leaf.usages)
                if !leaf.subjectAltNames.isEmpty { SubjectAlternativeNames(leaf.subjectAltNames) }
            },
            issuerPrivateKey: .init(self.key))
        return (certificate, key)
    }

    /// A revocation list signed by this CA, due again when the CA expires (etcd never fetches a
    /// new one; OpenSSL refuses a list past its next update).
    public func revocationList(number: Int, entries: [RevocationList.Entry], now: Date = Date()) throws -> RevocationList {
        try RevocationList(
            issuer: certificate.subject, thisUpdate: now, nextUpdate: certificate.notValidAfter, number: number, entries: entries,
            signingKey: key)
    }
}
