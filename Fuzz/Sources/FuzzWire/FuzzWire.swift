import CBOR
import HeadNetwork
import HeadnetCore

/// `fuzz-wire`: the input is an etcd value as another node wrote it, read as the network
/// component reads each of its keys, in both wire dialects (``WireDialect`` `.release`,
/// protocol 1, and `.master`, protocol 2):
///
/// - `version`: `decodeVersion`, `WireDialect.detect(versionValue:)`;
/// - `alive-<host:port>`: `decodeAlive` (`Address(cbor:)` in `.master`);
/// - `msg-<host:port>`: `decodeMessages` (`BroadcastBatch.decode` in `.master`) with the
///   node's `PayloadCodec` and with a Hydra-style codec whose messages span several items;
/// - the key's `host:port` itself: `Address(readHost:)` and `Address(hydraHost:)`.
///
/// Besides not crashing, it checks that whatever decodes is written back (`versionValue`,
/// `aliveValue`, `messageValue`) as a value that decodes to the same thing, and that `detect`
/// finds a version exactly when one of the dialects decodes it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for dialect in [WireDialect.release, .master] {
        version(bytes, dialect)
        alive(bytes, dialect)
        messages(bytes, dialect, codec: PayloadCodec())
        messages(bytes, dialect, codec: HydraStyleCodec())
    }
    detect(bytes)
    hostText(bytes)
    return 0
}

/// Stops the run with the input in hex, so that the report alone reproduces it.
func fail(_ what: String, _ bytes: [UInt8]) -> Never {
    fatalError("\(what); input \(Hex.encode(bytes))")
}

func version(_ bytes: [UInt8], _ dialect: WireDialect) {
    guard let version = try? dialect.decodeVersion(bytes) else { return }
    guard (try? dialect.decodeVersion(dialect.versionValue(version))) == version else {
        fail("\(dialect): version \(version) does not read back from its own value", bytes)
    }
}

func detect(_ bytes: [UInt8]) {
    let master = try? WireDialect.master.decodeVersion(bytes)
    let release = try? WireDialect.release.decodeVersion(bytes)
    let detected = WireDialect.detect(versionValue: bytes)
    switch (master, release) {
    case (let version?, _):
        guard detected?.dialect == .master, detected?.version == version else { fail("detect missed a protocol-2 version", bytes) }
    case (nil, let version?):
        guard detected?.dialect == .release, detected?.version == version else { fail("detect missed a protocol-1 version", bytes) }
    case (nil, nil):
        guard detected == nil else { fail("detect found a version no dialect decodes", bytes) }
    }
}

func alive(_ bytes: [UInt8], _ dialect: WireDialect) {
    guard let host = try? dialect.decodeAlive(bytes) else { return }
    guard (0...65535).contains(host.port) else { fail("\(dialect): alive port \(host.port) out of range", bytes) }
    guard (try? dialect.decodeAlive(dialect.aliveValue(host))) == host else {
        fail("\(dialect): alive host \(host) does not read back from its own value", bytes)
    }
    _ = (host.description, host.httpURL, host.isLoopback)
}

func messages<Codec: MessageCodec>(_ bytes: [UInt8], _ dialect: WireDialect, codec: Codec) where Codec.Message: Equatable {
    guard let messages = try? dialect.decodeMessages(bytes, codec: codec) else { return }
    if dialect == .release {
        guard messages.count == 1 else { fail("a protocol-1 value gave \(messages.count) messages", bytes) }
    }
    let value = dialect.messageValue(messages.map(codec.encode))
    guard (try? dialect.decodeMessages(value, codec: codec)) == messages else {
        fail("\(dialect): \(messages.count) messages do not read back from their own value \(Hex.encode(value))", bytes)
    }
}

/// The `host:port` of a `msg-` or `alive-` key, as the component reads it.
func hostText(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    if let address = Address(readHost: text) {
        guard (1...65535).contains(address.port) else { fail("readHost accepted port \(address.port)", bytes) }
        _ = address.description
    }
    _ = try? Address(hydraHost: text)
}

/// Messages in Hydra's style, as the wire tests use them: a byte string, a text, or `"Ping"`
/// followed by a number (one message, two CBOR items).
enum HydraStyleMessage: Equatable {
    case bytes([UInt8])
    case text(String)
    case ping(UInt64)
}

/// The codec of ``HydraStyleMessage``.
struct HydraStyleCodec: MessageCodec {
    func encode(_ message: HydraStyleMessage) -> [UInt8] {
        var encoder = CBOREncoder()
        switch message {
        case .bytes(let bytes): encoder.append(.bytes(bytes))
        case .text(let text): encoder.append(.text(text))
        case .ping(let number): encoder.append(contentsOf: ["Ping", .unsigned(number)])
        }
        return encoder.bytes
    }

    func decode(from decoder: inout CBORDecoder) throws -> HydraStyleMessage {
        let start = decoder.offset
        switch try decoder.decodeNext() {
        case .bytes(let bytes): return .bytes(bytes)
        case .text("Ping"): return .ping(try decoder.decodeUnsigned())
        case .text(let text): return .text(text)
        default: throw CBORError(.unexpectedType, at: start, "not a Hydra-style message")
        }
    }
}
