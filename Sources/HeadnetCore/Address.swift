#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `host:port`, the one address type of headnet: a node's listen and advertised address in the
/// spec, a peer of the network component, the sender of a message. `host` is kept without
/// brackets; ``hostname`` is Hydra's form, an IPv6 host in brackets (`[::1]`), which is what keys,
/// member names, `Host` values and the data-directory hash carry.
///
/// The spec reads addresses strictly (`init(validating:)` in `ClusterSpec`); what comes from the
/// wire is read as Hydra reads it (``init(readHost:)``).
public struct Address: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// Host name or IP, an IPv6 address without brackets.
    public var host: String
    /// Port.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Creates an address from Hydra's form of the host (an IPv6 address in brackets).
    public init(hostname: String, port: Int) {
        self.init(host: Address.isBracketed(hostname) ? String(decoding: hostname.utf8.dropFirst().dropLast(), as: UTF8.self) : hostname, port: port)
    }

    /// Whether `text` is `[` … `]` around at least one byte. Bytes, not characters: a combining
    /// mark after the `[` is a character with it, yet the `[` is still there to take away.
    static func isBracketed(_ text: String) -> Bool {
        let utf8 = text.utf8
        return utf8.count > 2 && utf8.first == UInt8(ascii: "[") && utf8.last == UInt8(ascii: "]")
    }

    /// Parses `host:port` or `[v6]:port` as Hydra's `readHost` does: the port (1…65535) follows
    /// the last colon and everything before it is the host name, an IPv6 address in brackets.
    /// Nil when it is not that form, or an IPv6 address comes without brackets (etcd would
    /// reject the URL made from it).
    public init?(readHost text: String) {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
            let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port)
        else { return nil }
        let hostname = String(text[..<colon])
        let bracketed = Address.isBracketed(hostname)
        guard bracketed || !(hostname.contains(":") || hostname.contains("[") || hostname.contains("]")) else { return nil }
        self.init(hostname: hostname, port: port)
    }

    /// The host as Hydra writes it: an IPv6 address in brackets (`[::1]`); a host that is itself
    /// in brackets (only a peer's odd value makes one) gets a second pair, so that
    /// ``init(hostname:port:)`` gives this host back.
    public var hostname: String {
        host.utf8.contains(UInt8(ascii: ":")) || Address.isBracketed(host) ? "[\(host)]" : host
    }

    /// `host:port`, an IPv6 host in brackets (`[::1]:5002`), as Hydra keeps it in keys and
    /// member names.
    public var description: String { "\(hostname):\(port)" }

    /// Orders by host name (Hydra's form), then port.
    public static func < (lhs: Address, rhs: Address) -> Bool {
        (lhs.hostname, lhs.port) < (rhs.hostname, rhs.port)
    }

    /// Encodes as the `host:port` string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Decodes from a `host:port` string (``init(readHost:)``).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let address = Address(readHost: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not host:port")
        }
        self = address
    }

    /// Whether the host is a loopback address.
    public var isLoopback: Bool { Address.isLoopback(host) }

    /// Whether `host` is 127.0.0.0/8, ::1 or localhost.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Whether `host` is a wildcard address, `0.0.0.0` or `::`: a socket bound to it listens on
    /// every address of its machine.
    public static func isWildcard(_ host: String) -> Bool {
        host == "0.0.0.0" || sameIPv6(host, "::")
    }

    /// Whether `a` and `b` (unbracketed hosts) name the same machine's address: the same text
    /// (host names ignoring case), the same IPv6 address however it is written (`fd00::2`,
    /// `fd00:0::2`), or both loopback (127.0.0.0/8, ::1, localhost: the machine itself).
    public static func sameHost(_ a: String, _ b: String) -> Bool {
        a.lowercased() == b.lowercased() || sameIPv6(a, b) || (isLoopback(a) && isLoopback(b))
    }

    /// Whether `a` and `b` are both IPv6 addresses and the same one.
    static func sameIPv6(_ a: String, _ b: String) -> Bool {
        var first = in6_addr()
        var second = in6_addr()
        guard a.contains(":"), b.contains(":"), inet_pton(AF_INET6, a, &first) == 1, inet_pton(AF_INET6, b, &second) == 1 else { return false }
        return withUnsafeBytes(of: &first) { left in withUnsafeBytes(of: &second) { right in left.elementsEqual(right) } }
    }
}
