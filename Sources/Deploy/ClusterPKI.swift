import ClusterSpec
import Crypto
import EtcdClient
import Foundation
import SwiftASN1
import X509

/// The certificates of a TLS cluster, made with swift-certificates: one CA; per node a server
/// certificate (for etcd's clients) and a peer certificate (raft, server and client auth) whose
/// SANs name the node's addresses; one client certificate for headnet and the nodes; a revocation
/// list (`crl.pem`, empty until `headnet certs rotate` revokes the leaves it replaces). Keys are
/// ECDSA P-256, written with mode 0600; the CA key (`ca-key.pem`) only when asked to keep it.
public struct ClusterPKI: Sendable, Hashable {
    /// The directory holding every file.
    public let directory: URL

    /// The CA certificate.
    public var caFile: String { path("ca.pem") }
    /// The CA's key, which signs new leaf certificates and revocation lists.
    public var caKeyFile: String { path("ca-key.pem") }
    /// The revocation list etcd checks on every connection it accepts.
    public var crlFile: String { path("crl.pem") }
    /// The client certificate headnet (and each node's component) presents to etcd.
    public var clientCertFile: String { path("client.pem") }
    /// Its key.
    public var clientKeyFile: String { path("client-key.pem") }
    /// etcd client settings with headnet's client certificate.
    public var clientTLS: EtcdClientConfiguration.TLS { .init(caFile: caFile, certFile: clientCertFile, keyFile: clientKeyFile) }
    /// Whether the CA key is kept here.
    public var hasCAKey: Bool { FileManager.default.fileExists(atPath: caKeyFile) }
    /// Whether there is a revocation list.
    public var hasRevocationList: Bool { FileManager.default.fileExists(atPath: crlFile) }

    /// The TLS files of one node; the revocation list only when there is one (etcd refuses
    /// every connection when the file it names is missing).
    public func files(for node: NodeSpec) -> NodeTLSFiles {
        NodeTLSFiles(
            caFile: caFile, serverCertFile: path("\(node.name)-server.pem"), serverKeyFile: path("\(node.name)-server-key.pem"),
            peerCertFile: path("\(node.name)-peer.pem"), peerKeyFile: path("\(node.name)-peer-key.pem"),
            crlFile: hasRevocationList ? crlFile : nil)
    }

    /// Opens the PKI in `directory` (see ``generate(for:in:validity:keepingCAKey:)``).
    public init(directory: URL) {
        self.directory = directory
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Whether every file for `spec` exists (the CA key and revocation list aside).
    public func isComplete(for spec: ClusterSpec) -> Bool {
        ([caFile] + leaves(for: spec).flatMap { [$0.certFile, $0.keyFile] }).allSatisfy { FileManager.default.fileExists(atPath: $0) }
    }

    /// One leaf certificate of the cluster and where it and its key live.
    public struct LeafFiles: Sendable, Hashable {
        /// What it is for.
        public var leaf: CertificateAuthority.Leaf
        /// The node it belongs to (`nil`: the client certificate).
        public var node: String?
        /// The certificate file.
        public var certFile: String
        /// The key file.
        public var keyFile: String
    }

    /// Every leaf certificate of `spec`: each node's server and peer certificate, then the client's.
    public func leaves(for spec: ClusterSpec) -> [LeafFiles] {
        var leaves: [LeafFiles] = []
        for node in spec.nodes {
            let files = files(for: node)
            var hosts = ["127.0.0.1", "::1", "localhost", node.advertise.host]
            if !["0.0.0.0", "::"].contains(node.listen.host) { hosts.append(node.listen.host) }
            let sans = Self.subjectAltNames(hosts)
            leaves.append(LeafFiles(
                leaf: .init(commonName: "\(node.name) server", subjectAltNames: sans, usages: [.serverAuth, .clientAuth]), node: node.name,
                certFile: files.serverCertFile, keyFile: files.serverKeyFile))
            leaves.append(LeafFiles(
                leaf: .init(commonName: "\(node.name) peer", subjectAltNames: sans, usages: [.serverAuth, .clientAuth]), node: node.name,
                certFile: files.peerCertFile, keyFile: files.peerKeyFile))
        }
        leaves.append(LeafFiles(
            leaf: .init(commonName: "headnet client", subjectAltNames: [], usages: [.clientAuth]), node: nil,
            certFile: clientCertFile, keyFile: clientKeyFile))
        return leaves
    }

    /// The certificates of `spec` by name, for `headnet health` and each node's `/metrics`: the
    /// CA (`ca`), each node's server and peer certificates (`alice-server`, `alice-peer`) and the
    /// client's (`client`): the file names without `.pem`.
    public func certificateFiles(for spec: ClusterSpec) -> [(name: String, path: String)] {
        [caFile].map { (Self.certificateName($0), $0) } + leaves(for: spec).map { (Self.certificateName($0.certFile), $0.certFile) }
    }

    /// The certificates `node` uses, named as in ``certificateFiles(for:)``: the CA, its server and
    /// peer certificates, and the client certificate its component presents.
    public func certificateFiles(of node: NodeSpec) -> [(name: String, path: String)] {
        let files = files(for: node)
        return [caFile, files.serverCertFile, files.peerCertFile, clientCertFile].map { (Self.certificateName($0), $0) }
    }

    /// The expiry of every certificate of `spec` (see ``certificateFiles(for:)``), read from its
    /// file: its notAfter, or the error when the file cannot be read.
    public func expiries(for spec: ClusterSpec) -> [CertificateExpiry] {
        certificateFiles(for: spec).map { name, path in
            let notAfter: Result<Date, DeployError>
            do {
                notAfter = .success(try Self.certificate(in: path).notValidAfter)
            } catch let error as DeployError {
                notAfter = .failure(error)
            } catch {
                notAfter = .failure(DeployError(.pki, "cannot read the certificate \(path)", cause: error))
            }
            return CertificateExpiry(name: name, path: path, notAfter: notAfter)
        }
    }

    /// One certificate's expiry, as ``expiries(for:)`` reads it.
    public struct CertificateExpiry: Sendable {
        /// Its name (`ca`, `alice-server`, `client`).
        public var name: String
        /// Its file.
        public var path: String
        /// Its notAfter, or why the file could not be read.
        public var notAfter: Result<Date, DeployError>
        /// Whether it is the CA's certificate.
        public var isAuthority: Bool { name == "ca" }
    }

    static func certificateName(_ path: String) -> String {
        String(URL(fileURLWithPath: path).lastPathComponent.dropLast(".pem".count))
    }

    /// Makes a new CA and every certificate for `spec` in `directory` (replacing what is there),
    /// and an empty revocation list. The CA key is written (`ca-key.pem`, 0600) only with
    /// `keepingCAKey`: without it no certificate can be rotated later.
    @discardableResult
    public static func generate(
        for spec: ClusterSpec, in directory: URL, validity: TimeInterval = 365 * 24 * 3600, keepingCAKey: Bool = true
    ) throws -> ClusterPKI {
        let pki = ClusterPKI(directory: directory)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let ca = try CertificateAuthority.create(cluster: spec.name, validity: validity)
            try write(try ca.certificate.serializeAsPEM().pemString, to: pki.caFile, mode: 0o644)
            if keepingCAKey {
                try write(ca.keyPEM, to: pki.caKeyFile, mode: 0o600)
            } else {
                try? FileManager.default.removeItem(atPath: pki.caKeyFile)
            }
            try pki.issueLeaves(for: spec, by: ca, validity: validity)
            try write(try ca.revocationList(number: 1, entries: []).pemString, to: pki.crlFile, mode: 0o644)
        } catch let error as DeployError {
            throw error
        } catch {
            throw DeployError(.pki, "cannot create the certificates in \(directory.path)", cause: error)
        }
        return pki
    }

    /// Issues every leaf certificate of `spec` (new keys, new serial numbers) from `ca` into this
    /// directory; returns them.
    @discardableResult
    public func issueLeaves(for spec: ClusterSpec, by ca: CertificateAuthority, validity: TimeInterval = 365 * 24 * 3600) throws -> [Certificate] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let now = Date()
        return try leaves(for: spec).map { files in
            let (certificate, key) = try ca.issue(files.leaf, validity: validity, now: now)
            try Self.write(try certificate.serializeAsPEM().pemString, to: files.certFile, mode: 0o644)
            try Self.write(key.pemRepresentation, to: files.keyFile, mode: 0o600)
            return certificate
        }
    }

    /// Issues `node`'s server and peer certificates (new keys) from `ca` into this directory, for
    /// a node joining `spec` (which lists it); returns them. The other certificates stay.
    @discardableResult
    public func issueCertificates(of node: NodeSpec, in spec: ClusterSpec, by ca: CertificateAuthority, validity: TimeInterval = 365 * 24 * 3600) throws -> [Certificate] {
        let now = Date()
        return try leaves(for: spec).filter { $0.node == node.name }.map { files in
            let (certificate, key) = try ca.issue(files.leaf, validity: validity, now: now)
            try Self.write(try certificate.serializeAsPEM().pemString, to: files.certFile, mode: 0o644)
            try Self.write(key.pemRepresentation, to: files.keyFile, mode: 0o600)
            return certificate
        }
    }

    /// The CA with its key, to sign new certificates.
    ///
    /// - Throws: ``DeployError`` when the key is not kept here or does not match.
    public func authority() throws -> CertificateAuthority {
        try CertificateAuthority.load(certificateFile: caFile, keyFile: caKeyFile)
    }

    /// The revocation list, if there is one.
    public func revocationList() throws -> RevocationList? {
        guard hasRevocationList else { return nil }
        do {
            return try RevocationList(pemEncoded: try String(contentsOfFile: crlFile, encoding: .utf8))
        } catch {
            throw DeployError(.pki, "cannot read the revocation list \(crlFile)", cause: error)
        }
    }

    /// The certificate in `file` (PEM).
    public static func certificate(in file: String) throws -> Certificate {
        do {
            return try Certificate(pemEncoded: try String(contentsOfFile: file, encoding: .utf8))
        } catch {
            throw DeployError(.pki, "cannot read the certificate \(file)", cause: error)
        }
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

    /// Writes `text` to `path` with `mode`, atomically: into a temporary file beside it, then
    /// renamed over it, so that etcd reading the file (the revocation list on every connection)
    /// never sees it missing or half written.
    static func write(_ text: String, to path: String, mode: Int) throws {
        let temporary = "\(path).\(UUID().uuidString).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
            throw DeployError(.pki, "cannot write \(path); check the state directory's permissions")
        }
        try move(temporary, to: path)
    }

    /// Renames `source` over `destination` (rename(2): atomic on one file system).
    static func move(_ source: String, to destination: String) throws {
        guard rename(source, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: source)
            throw DeployError(.pki, "cannot move \(source) to \(destination): \(reason)")
        }
    }
}
