import CBOR

/// A node's address, `hostname:port`, as Hydra renders it (IPv6 not bracketed).
public struct NetworkHost: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// Host name or IP address.
    public var hostname: String
    /// TCP port.
    public var port: Int

    /// Creates a host.
    public init(hostname: String, port: Int) {
        self.hostname = hostname
        self.port = port
    }

    /// Parses `host:port`, `[v6]:port` or unbracketed `v6:port` (the port follows the last colon).
    public init(parsing text: String) throws {
        var rest = Substring(text)
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            let host = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port), !host.isEmpty else {
                throw HeadNetworkError(.invalidHost, "'\(text)' is not host:port")
            }
            self.init(hostname: String(host), port: port)
            return
        }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
            (1...65535).contains(port), colon != rest.startIndex
        else {
            throw HeadNetworkError(.invalidHost, "'\(text)' is not host:port (e.g. 127.0.0.1:5001)")
        }
        self.init(hostname: String(rest[..<colon]), port: port)
    }

    /// `hostname:port`, IPv6 without brackets (the form used in etcd keys and member names).
    public var description: String { "\(hostname):\(port)" }

    /// `http://hostname:port`, IPv6 bracketed, for URLs.
    public var httpURL: String {
        hostname.contains(":") ? "http://[\(hostname)]:\(port)" : "http://\(hostname):\(port)"
    }

    /// Encodes as the `host:port` string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Decodes from a `host:port` string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not host:port")
        }
    }

    /// Orders by hostname, then port.
    public static func < (lhs: NetworkHost, rhs: NetworkHost) -> Bool {
        (lhs.hostname, lhs.port) < (rhs.hostname, rhs.port)
    }

    /// Hydra's encoding: `"Host"`, hostname, port — a CBOR sequence of three items.
    public var cbor: [UInt8] {
        var encoder = CBOREncoder()
        encoder.append(contentsOf: ["Host", .text(hostname), .unsigned(UInt64(port))])
        return encoder.bytes
    }

    /// Decodes Hydra's `Host` encoding; the whole value must be consumed.
    public init(cbor bytes: [UInt8]) throws {
        do {
            var decoder = CBORDecoder(bytes)
            let tag = try decoder.decodeText()
            guard tag == "Host" else {
                throw HeadNetworkError(.decoding, "expected constructor \"Host\", found \"\(tag)\"")
            }
            let hostname = try decoder.decodeText()
            let port = try decoder.decodeUnsigned()
            guard decoder.isAtEnd, port <= 65535 else {
                throw HeadNetworkError(.decoding, "a Host value has trailing bytes or a port above 65535")
            }
            self.init(hostname: hostname, port: Int(port))
        } catch let error as CBORError {
            throw HeadNetworkError(.decoding, "not a Host value: \(error)", cause: error)
        }
    }
}
