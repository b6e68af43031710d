import Foundation

/// One etcd client URL, parsed: `http://127.0.0.1:2379`, `https://node1:2379`, `[::1]:2379`.
public struct EtcdEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// Host name or IP address, without brackets for IPv6.
    public var host: String
    /// TCP port.
    public var port: Int
    /// Whether the URL asked for TLS (`https://`).
    public var secure: Bool

    /// Creates an endpoint from its parts.
    public init(host: String, port: Int, secure: Bool = false) {
        self.host = host
        self.port = port
        self.secure = secure
    }

    /// Parses a client URL. A missing scheme means `http`; a missing port means 2379.
    public init(parsing url: String) throws {
        var rest = Substring(url.trimmingCharacters(in: .whitespaces))
        var secure = false
        if rest.hasPrefix("https://") {
            secure = true
            rest = rest.dropFirst("https://".count)
        } else if rest.hasPrefix("http://") {
            rest = rest.dropFirst("http://".count)
        } else if rest.contains("://") {
            throw EtcdError(
                code: .configuration,
                message: "endpoint '\(url)' has an unsupported scheme; use http:// or https://")
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw EtcdError(code: .configuration, message: "endpoint '\(url)' has an unclosed '['")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() }
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty else {
            throw EtcdError(code: .configuration, message: "endpoint '\(url)' has no host; write e.g. http://127.0.0.1:2379")
        }
        var port = 2379
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw EtcdError(code: .configuration, message: "endpoint '\(url)' has an invalid port '\(portText)'")
            }
            port = value
        }
        self.init(host: String(host), port: port, secure: secure)
    }

    /// Whether the host is an IPv6 literal.
    public var isIPv6: Bool { host.contains(":") }

    /// Whether the host is a dotted-quad IPv4 literal.
    public var isIPv4: Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && UInt8(part) != nil
        }
    }

    /// The URL form, e.g. `http://127.0.0.1:2379` or `https://[::1]:2379`.
    public var description: String {
        let shown = isIPv6 ? "[\(host)]" : host
        return "\(secure ? "https" : "http")://\(shown):\(port)"
    }
}
