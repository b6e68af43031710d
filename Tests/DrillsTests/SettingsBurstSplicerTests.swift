@testable import Drills
import NIOCore
import Testing

/// ``SettingsBurstSplicer`` without sockets: byte streams split at every place, the injected
/// frames only ever between two frames, the client's GOAWAY code read wherever it is cut.
struct SettingsBurstSplicerTests {
    /// A frame: 9-byte header and `payload`.
    static func frame(type: UInt8, flags: UInt8 = 0, stream: UInt32 = 0, payload: [UInt8] = []) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type, flags,
                UInt8(stream >> 24), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff)] + payload
    }

    /// The server's side: its preface (SETTINGS with one setting), a HEADERS, a DATA, a PING.
    static let serverFrames: [[UInt8]] = [
        frame(type: 4, payload: [0, 3, 0, 0, 0, 100]),
        frame(type: 1, flags: 4, stream: 1, payload: Array(repeating: 0x88, count: 11)),
        frame(type: 0, stream: 1, payload: Array(0..<200).map { UInt8($0) }),
        frame(type: 6, payload: Array(repeating: 7, count: 8)),
    ]
    static let injected = Array([[UInt8]](repeating: SettingsBurstSplicer.emptySettingsFrame, count: 3).joined())

    static func buffer(_ bytes: some Sequence<UInt8>) -> ByteBuffer { ByteBuffer(bytes: Array(bytes)) }
    static func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

    /// For every place the burst can be asked for, and the server's bytes cut in one-byte pieces
    /// after it: the output is the server's bytes with the three frames at the first frame
    /// boundary at or after that place.
    @Test func injectedFramesLandOnlyAtFrameBoundaries() {
        let stream = Array(Self.serverFrames.joined())
        let boundaries = Self.serverFrames.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        for asked in 0...stream.count {
            var splicer = SettingsBurstSplicer()
            var out = Self.bytes(splicer.server(Self.buffer(stream[..<asked])))
            if let now = splicer.inject(3) { out += Self.bytes(now) }
            for byte in stream[asked...] { out += Self.bytes(splicer.server(Self.buffer([byte]))) }
            let at = boundaries.first { $0 >= asked }!
            #expect(out == Array(stream[..<at]) + Self.injected + Array(stream[at...]), "burst asked for after byte \(asked)")
            #expect(splicer.injected == 3)
        }
    }

    /// Cut in two at every place (the ask before the first half): whole chunks too put the frames
    /// at the first boundary, here 0, before the preface.
    @Test func aBurstAskedForBeforeTheServerSpokeGoesFirst() {
        let stream = Array(Self.serverFrames.joined())
        for cut in 0...stream.count {
            var splicer = SettingsBurstSplicer()
            var out = Self.bytes(splicer.inject(3) ?? ByteBuffer())
            out += Self.bytes(splicer.server(Self.buffer(stream[..<cut])))
            out += Self.bytes(splicer.server(Self.buffer(stream[cut...])))
            #expect(out == Self.injected + stream)
        }
    }

    /// A burst asked for in the middle of a frame waits for its end even when the rest comes in
    /// one chunk with more frames.
    @Test func aBurstAskedForMidFrameWaitsForTheFrameToEnd() {
        let stream = Array(Self.serverFrames.joined())
        var splicer = SettingsBurstSplicer()
        let first = Self.serverFrames[0].count + 5  // inside the HEADERS frame's header
        var out = Self.bytes(splicer.server(Self.buffer(stream[..<first])))
        #expect(splicer.inject(3) == nil)
        out += Self.bytes(splicer.server(Self.buffer(stream[first...])))
        let end = Self.serverFrames[0].count + Self.serverFrames[1].count
        #expect(out == Array(stream[..<end]) + Self.injected + Array(stream[end...]))
    }

    /// The error code of the client's GOAWAY, the client's bytes cut anywhere (the preface's
    /// `SM` and a frame of type 7 in a payload do not count).
    @Test func theClientsGoAwayCodeIsNoted() {
        let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        let goAway = Self.frame(type: 7, payload: [0, 0, 0, 5, 0, 0, 0, 0x0b] + Array("too many".utf8))
        let data = Self.frame(type: 0, stream: 1, payload: Self.frame(type: 7, payload: [0, 0, 0, 1, 0, 0, 0, 1]))
        let client = preface + Self.frame(type: 4, flags: 1) + data + goAway
        for cut in 1...client.count {
            var splicer = SettingsBurstSplicer()
            splicer.client(Self.buffer(client[..<cut]))
            #expect(splicer.clientGoAwayCode == nil || cut > client.count - goAway.count + 16, "cut at \(cut)")
            splicer.client(Self.buffer(client[cut...]))
            #expect(splicer.clientGoAwayCode == 0x0b, "cut at \(cut)")
        }
        #expect(DrillStepExecutor.http2ErrorName(0x0b) == "ENHANCE_YOUR_CALM" && DrillStepExecutor.http2ErrorName(0x42) == "error 66")
    }

    /// The step runs on plaintext etcd without namespaces only, and says why not otherwise.
    @Test func theStepNeedsPlaintextEtcdOnThisMachinesLoopback() {
        let burst = DrillAction.settingsBurst(.follower, frames: 1000)
        #expect(DrillStepExecutor.unsupported(burst, namespaces: false, disks: false, tls: false) == nil)
        #expect(DrillStepExecutor.unsupported(burst, namespaces: false, disks: false, tls: true)?.contains("plaintext etcd client connections") == true)
        #expect(DrillStepExecutor.unsupported(burst, namespaces: true, disks: false, tls: false)?.contains("network namespaces") == true)
        #expect(DrillStepExecutor.recovery(of: burst) == nil && burst.isFault, "a fault whose span ends with its own step")
    }

    /// Without a burst, the relay passes both directions on unchanged.
    @Test func withoutABurstNothingChanges() {
        var splicer = SettingsBurstSplicer()
        let stream = Array(Self.serverFrames.joined())
        #expect(Self.bytes(splicer.server(Self.buffer(stream))) == stream)
        splicer.client(Self.buffer(Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + Self.frame(type: 4, flags: 1)))
        #expect(splicer.injected == 0 && splicer.clientGoAwayCode == nil)
    }
}
