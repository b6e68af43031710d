import CBOR
import HeadnetCore

/// An address as the network component speaks it to etcd and to Hydra peers.
extension Address {
    /// Parses `host:port` or `[v6]:port` as Hydra's `readHost` does (``Address/init(readHost:)``).
    ///
    /// - Throws: ``HeadNetworkError`` `invalidHost` saying what is wrong, e.g. that an IPv6
    ///   address needs brackets.
    public init(hydraHost text: String) throws {
        if let address = Address(readHost: text) {
            self = address
            return
        }
        if !text.hasPrefix("["), let colon = text.lastIndex(of: ":"), text[..<colon].contains(":") {
            throw HeadNetworkError(.invalidHost, "'\(text)': write an IPv6 address in brackets, e.g. [\(text[..<colon])]:\(text[text.index(after: colon)...])")
        }
        throw HeadNetworkError(.invalidHost, "'\(text)' is not host:port (e.g. 127.0.0.1:5001 or [::1]:5001)")
    }

    /// `http://hostname:port`, for etcd's peer URLs.
    public var httpURL: String { "http://\(description)" }

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
