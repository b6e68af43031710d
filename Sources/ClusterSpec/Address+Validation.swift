#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

import HeadnetCore

/// The spec's strict reading of addresses: `host:port` whose host is an IPv4 address, an IPv6
/// address in brackets or an RFC 1123 host name.
extension Address {
    /// Parses `host:port` or `[v6]:port` as ``init(validating:)`` does; nil when malformed.
    public init?(parsing text: String) {
        guard let address = try? Address(validating: text) else { return nil }
        self = address
    }

    /// Parses `host:port` or `[v6]:port` strictly: the host is a dotted-quad IPv4 address, an
    /// IPv6 address in brackets or an RFC 1123 host name (see ``hostProblem(_:)``), the port is
    /// a number in 1…65535.
    ///
    /// - Throws: ``SpecError`` with code `.invalid` whose message names the value and says what
    ///   is wrong, e.g. `'127.0.0.256' is not an IPv4 address: octet 256 is over 255`.
    public init(validating text: String) throws(SpecError) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw SpecError(.invalid, "'\(text)' has '[' but no ']'; write an IPv6 address as [::1]:5001")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw SpecError(.invalid, "'\(text)' needs ':port' after ']', e.g. [::1]:5001")
            }
            portText = rest.dropFirst()
            if let problem = Self.ipv6Problem(String(host)) { throw SpecError(.invalid, problem) }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw SpecError(.invalid, "'\(text)' is not host:port: the port is missing (e.g. 127.0.0.1:5001)")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else {
                throw SpecError(.invalid, "'\(text)': write an IPv6 address in brackets, e.g. [\(host)]:\(portText)")
            }
            guard !host.isEmpty else { throw SpecError(.invalid, "'\(text)' has no host before the ':'") }
            if let problem = Self.hostProblem(String(host)) { throw SpecError(.invalid, problem) }
        }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw SpecError(.invalid, "'\(text)' has port '\(portText)'; a port is a number in 1…65535")
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw SpecError(.invalid, "'\(text)' has port \(portText), out of range 1…65535")
        }
        self.init(host: String(host), port: port)
    }

    /// What is wrong with an unbracketed host (a `hosts[].address`, or the host of `host:port`);
    /// nil when it is valid:
    /// - a host with a colon must be an IPv6 address (`inet_pton(AF_INET6)` accepts it);
    /// - a host of only digits and dots must be a dotted quad of four octets 0…255 without
    ///   leading zeros;
    /// - anything else must be an RFC 1123 host name: at most 253 characters, labels of 1…63
    ///   ASCII letters, digits and hyphens that neither start nor end with a hyphen.
    public static func hostProblem(_ host: String) -> String? {
        if host.hasPrefix("[") || host.hasSuffix("]") {
            return "'\(host)': write the address without brackets (brackets only go around IPv6 in host:port)"
        }
        if host.contains(":") { return ipv6Problem(host) }
        if !host.isEmpty, host.allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) }) { return ipv4Problem(host) }
        return hostNameProblem(host)
    }

    /// Why `host` (without brackets) is not an IPv6 address; nil when it is one.
    static func ipv6Problem(_ host: String) -> String? {
        var address = in6_addr()
        if inet_pton(AF_INET6, host, &address) == 1 { return nil }
        if host.contains("%") { return "'\(host)' is not an IPv6 address: zone indexes (%...) are not supported" }
        if !host.contains(":") { return "'\(host)' is not an IPv6 address; brackets are only for IPv6 (e.g. [::1]:5001)" }
        return "'\(host)' is not an IPv6 address (e.g. ::1 or fd00::2)"
    }

    /// Why `host`, made of digits and dots, is not a dotted-quad IPv4 address; nil when it is one.
    static func ipv4Problem(_ host: String) -> String? {
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        let prefix = "'\(host)' is not an IPv4 address:"
        guard octets.count == 4 else { return "\(prefix) it has \(octets.count) part\(octets.count == 1 ? "" : "s"), not 4" }
        for (index, octet) in octets.enumerated() {
            if octet.isEmpty { return "\(prefix) part \(index + 1) is empty" }
            if octet.count > 1, octet.hasPrefix("0") { return "\(prefix) octet '\(octet)' has a leading zero" }
            if octet.count > 3 || Int(octet)! > 255 { return "\(prefix) octet \(octet) is over 255" }
        }
        return nil
    }

    /// Why `host` is not an RFC 1123 host name; nil when it is one.
    static func hostNameProblem(_ host: String) -> String? {
        let prefix = "'\(host)' is not a valid host name:"
        guard !host.isEmpty else { return "the host name is empty" }
        guard host.utf8.count <= 253 else { return "\(prefix) it is \(host.utf8.count) characters long, over 253" }
        for label in host.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty else { return "\(prefix) it has an empty label (two dots in a row, or a dot at an end)" }
            if let bad = label.first(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-")) }) {
                return "\(prefix) label '\(label)' contains '\(bad)'; only letters, digits and '-' are allowed"
            }
            if label.utf8.count > 63 { return "\(prefix) label '\(label)' is \(label.utf8.count) characters long, over 63" }
            if label.hasPrefix("-") { return "\(prefix) label '\(label)' starts with '-'" }
            if label.hasSuffix("-") { return "\(prefix) label '\(label)' ends with '-'" }
        }
        return nil
    }
}
