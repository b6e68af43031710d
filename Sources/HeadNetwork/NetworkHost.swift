import CBOR

/// A node's address, `hostname:port`, as Hydra renders it: an IPv6 host keeps its brackets
/// (`[::1]:5002`) in the hostname, as Hydra's `readHost` does, so keys, member names, `Host`
/// values and the data-dir hash carry them and etcd gets valid URLs.
public struct NetworkHost: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// Host name or IP address; an IPv6 address in brackets.
    public var hostname: String
    /// TCP port.
    public var port: Int

    /// Creates a host.
    public init(hostname: String, port: Int) {
        self.hostname = hostname
        self.port = port
    }

    /// Parses `host:port` or `[v6]:port` as Hydra's `readHost` does: the port follows the last
    /// colon and everything before it, brackets included, is the hostname. An IPv6 address
    /// without brackets is refused (etcd would reject the URL made from it).
    public init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
            let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port)
        else {
            throw HeadNetworkError(.invalidHost, "'\(text)' is not host:port (e.g. 127.0.0.1:5001 or [::1]:5001)")
        }
        let hostname = String(text[..<colon])
        let bracketed = hostname.hasPrefix("[") && hostname.hasSuffix("]") && hostname.count > 2
        guard bracketed || !(hostname.contains(":") || hostname.contains("[") || hostname.contains("]")) else {
            throw HeadNetworkError(.invalidHost, "'\(text)': write an IPv6 address in brackets, e.g. [::1]:\(port)")
        }
        self.init(hostname: hostname, port: port)
    }

    /// `hostname:port` (the form used in etcd keys and member names).
    public var description: String { "\(hostname):\(port)" }

    /// `http://hostname:port`, for etcd's peer URLs.
    public var httpURL: String { "http://\(description)" }

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
            throw HeadNetworkError(.decoding, "not a Host value", cause: error)
        }
    }
}
