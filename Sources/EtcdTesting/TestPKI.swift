import Foundation
import Processes

/// A throwaway certificate authority with a server and a client certificate, made with the
/// `openssl` command, for tests that run etcd with TLS and client-certificate auth.
public struct TestPKI: Sendable {
    /// PEM file of the CA certificate.
    public var caFile: String
    /// PEM server certificate for 127.0.0.1 / localhost / ::1.
    public var serverCertFile: String
    /// PEM key of the server certificate.
    public var serverKeyFile: String
    /// PEM client certificate signed by the CA.
    public var clientCertFile: String
    /// PEM key of the client certificate.
    public var clientKeyFile: String
    /// PEM certificate of a second CA that etcd does not trust, with its own client certificate.
    public var strangerCertFile: String
    /// PEM key of the stranger's client certificate.
    public var strangerKeyFile: String

    /// Generates the files in `directory` (EC P-256 keys, valid for one day).
    public static func generate(in directory: URL) async throws -> TestPKI {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let ext = path("san.cnf")
        try """
            subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
            extendedKeyUsage = serverAuth, clientAuth
            """.write(toFile: ext, atomically: true, encoding: .utf8)
        let clientExt = path("client.cnf")
        try "extendedKeyUsage = clientAuth\n".write(toFile: clientExt, atomically: true, encoding: .utf8)

        func makeCA(_ name: String) async throws {
            try await openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-keyout", path("\(name).key"), "-out", path("\(name).pem"), "-days", "1", "-subj", "/CN=\(name)"])
        }
        func makeLeaf(_ name: String, ca: String, extFile: String) async throws {
            try await openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", "/CN=\(name)"])
            try await openssl(["x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(ca).pem"), "-CAkey", path("\(ca).key"),
                         "-CAcreateserial", "-out", path("\(name).pem"), "-days", "1", "-extfile", extFile])
        }
        try await makeCA("ca")
        try await makeLeaf("server", ca: "ca", extFile: ext)
        try await makeLeaf("client", ca: "ca", extFile: clientExt)
        try await makeCA("stranger-ca")
        try await makeLeaf("stranger", ca: "stranger-ca", extFile: clientExt)
        return TestPKI(
            caFile: path("ca.pem"), serverCertFile: path("server.pem"), serverKeyFile: path("server.key"),
            clientCertFile: path("client.pem"), clientKeyFile: path("client.key"),
            strangerCertFile: path("stranger.pem"), strangerKeyFile: path("stranger.key"))
    }

    private static func openssl(_ arguments: [String]) async throws {
        let result = try await Command.run("openssl", arguments, missingHint: "install it with `apt-get install openssl`")
        guard result.status.isSuccess else {
            throw EtcdTestingError(.io, "openssl \(arguments.first ?? "") failed: \(result.output)")
        }
    }
}
