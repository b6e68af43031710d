import ClusterSpec
import Crypto
import EtcdClient
import Foundation
import SwiftASN1
import X509

/// The certificates of a TLS cluster, made with swift-certificates: one CA; per node a server
/// certificate (for etcd's clients) and a peer certificate (raft, server and client auth) whose
/// SANs name the node's addresses; one client certificate for headnet and the nodes. Keys are
/// ECDSA P-256, written with mode 0600.
public struct ClusterPKI: Sendable, Hashable {
    /// The directory holding every file.
    public let directory: URL

    /// The CA certificate.
    public var caFile: String { directory.appendingPathComponent("ca.pem").path }
    /// The client certificate headnet (and each node's component) presents to etcd.
    public var clientCertFile: String { directory.appendingPathComponent("client.pem").path }
    /// Its key.
    public var clientKeyFile: String { directory.appendingPathComponent("client-key.pem").path }
    /// etcd client settings with headnet's client certificate.
    public var clientTLS: EtcdClientConfiguration.TLS { .init(caFile: caFile, certFile: clientCertFile, keyFile: clientKeyFile) }

    /// The TLS files of one node.
    public func files(for node: NodeSpec) -> NodeTLSFiles {
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        return NodeTLSFiles(
            caFile: caFile, serverCertFile: path("\(node.name)-server.pem"), serverKeyFile: path("\(node.name)-server-key.pem"),
            peerCertFile: path("\(node.name)-peer.pem"), peerKeyFile: path("\(node.name)-peer-key.pem"))
    }

    /// Opens the PKI in `directory` (see ``generate(for:in:validity:)``).
    public init(directory: URL) {
        self.directory = directory
    }

    /// Whether every file for `spec` exists.
    public func isComplete(for spec: ClusterSpec) -> Bool {
        var paths = [caFile, clientCertFile, clientKeyFile]
        for node in spec.nodes {
            let files = files(for: node)
            paths += [files.serverCertFile, files.serverKeyFile, files.peerCertFile, files.peerKeyFile]
        }
        return paths.allSatisfy { FileManager.default.fileExists(atPath: $0) }
    }

    /// Makes a new CA and every certificate for `spec` in `directory` (replacing what is there).
    @discardableResult
    public static func generate(for spec: ClusterSpec, in directory: URL, validity: TimeInterval = 365 * 24 * 3600) throws -> ClusterPKI {
        let pki = ClusterPKI(directory: directory)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let now = Date()
            let caKey = P256.Signing.PrivateKey()
            let caName = try DistinguishedName { CommonName("headnet \(spec.name) CA") }
            let ca = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
                notValidBefore: now - 300, notValidAfter: now + validity, issuer: caName, subject: caName,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                },
                issuerPrivateKey: .init(caKey))
            try write(try ca.serializeAsPEM().pemString, to: pki.caFile, mode: 0o644)

            func issue(_ commonName: String, sans: [GeneralName], usages: [ExtendedKeyUsage.Usage], cert: String, key: String) throws {
                let leafKey = P256.Signing.PrivateKey()
                let certificate = try Certificate(
                    version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(leafKey.publicKey),
                    notValidBefore: now - 300, notValidAfter: now + validity, issuer: caName,
                    subject: try DistinguishedName { CommonName(commonName) },
                    signatureAlgorithm: .ecdsaWithSHA256,
                    extensions: try Certificate.Extensions {
                        Critical(BasicConstraints.notCertificateAuthority)
                        Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                        try ExtendedKeyUsage(usages)
                        if !sans.isEmpty { SubjectAlternativeNames(sans) }
                    },
                    issuerPrivateKey: .init(caKey))
                try write(try certificate.serializeAsPEM().pemString, to: cert, mode: 0o644)
                try write(leafKey.pemRepresentation, to: key, mode: 0o600)
            }
            for node in spec.nodes {
                let files = pki.files(for: node)
                var hosts = ["127.0.0.1", "::1", "localhost", node.advertise.host]
                if !["0.0.0.0", "::"].contains(node.listen.host) { hosts.append(node.listen.host) }
                let sans = subjectAltNames(hosts)
                try issue("\(node.name) server", sans: sans, usages: [.serverAuth, .clientAuth], cert: files.serverCertFile, key: files.serverKeyFile)
                try issue("\(node.name) peer", sans: sans, usages: [.serverAuth, .clientAuth], cert: files.peerCertFile, key: files.peerKeyFile)
            }
            try issue("headnet client", sans: [], usages: [.clientAuth], cert: pki.clientCertFile, key: pki.clientKeyFile)
        } catch let error as DeployError {
            throw error
        } catch {
            throw DeployError(.pki, "cannot create the certificates in \(directory.path)", cause: error)
        }
        return pki
    }

    /// SANs for host names and IP literals, without duplicates.
    static func subjectAltNames(_ hosts: [String]) -> [GeneralName] {
        var seen = Set<String>()
        return hosts.compactMap { host in
            guard seen.insert(host).inserted else { return nil }
            if let bytes = ipBytes(host) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))) }
            return .dnsName(host)
        }
    }

    /// The bytes of an IPv4 or IPv6 literal.
    static func ipBytes(_ host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    private static func write(_ text: String, to path: String, mode: Int) throws {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.removeItem(at: url)
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
            throw DeployError(.pki, "cannot write \(path); check the state directory's permissions")
        }
    }
}
