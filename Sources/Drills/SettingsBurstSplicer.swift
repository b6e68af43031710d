import NIOCore

/// The I/O-free half of ``SettingsBurstRelay``, one per relayed connection: follows the HTTP/2
/// frames both ways, puts injected SETTINGS frames into the server → client bytes at frame
/// boundaries only, and notes the error code of a GOAWAY the client sends (the evidence of why
/// the connection closed).
///
/// The client's ACKs of the injected frames go on to etcd: its gRPC server (grpc-go's own HTTP/2
/// transport) ignores SETTINGS ACKs, so they change nothing there (a burst of 100, below the
/// client's limit, leaves the connection open).
///
/// The server → client bytes are frames from the first byte (the server preface is a SETTINGS
/// frame); the client → server bytes begin with the 24-byte client preface.
struct SettingsBurstSplicer {
    /// An empty SETTINGS frame: length 0, type 4, no flags, stream 0.
    static let emptySettingsFrame: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0]
    /// The client connection preface's length (`PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`).
    static let clientPrefaceLength = 24

    private var fromServer = HTTP2FrameReader(preface: 0)
    private var fromClient = HTTP2FrameReader(preface: Self.clientPrefaceLength)
    /// Frames asked for and not yet put in (the server's bytes were mid-frame).
    private var pending = 0
    /// SETTINGS frames put in so far.
    private(set) var injected = 0
    /// The error code of the last GOAWAY the client sent (`0xb`: ENHANCE_YOUR_CALM), once its
    /// payload's first 8 bytes (last stream id, error code) went by.
    private(set) var clientGoAwayCode: UInt32?
    /// The first payload bytes of a GOAWAY from the client, while they come in.
    private var goAway: [UInt8]?

    /// Asks for `frames` empty SETTINGS frames: returns the bytes to send the client now when
    /// the server's bytes are at a frame boundary, else nil (they go in at the next boundary,
    /// in what ``server(_:)`` returns).
    mutating func inject(_ frames: Int) -> ByteBuffer? {
        pending += max(0, frames)
        guard fromServer.atBoundary, pending > 0 else { return nil }
        var out = ByteBuffer()
        flushPending(into: &out)
        return out
    }

    /// The bytes to send the client for `bytes` from the server: the same bytes, with the
    /// frames asked for put in at the first frame boundary.
    mutating func server(_ bytes: ByteBuffer) -> ByteBuffer {
        var input = bytes
        var out = ByteBuffer()
        out.reserveCapacity(input.readableBytes)
        if fromServer.atBoundary { flushPending(into: &out) }
        while let piece = fromServer.next(from: &input) {
            switch piece {
            case .bytes(var slice):
                out.writeBuffer(&slice)
            case .header(var header, _):
                out.writeBuffer(&header)
            }
            if fromServer.atBoundary { flushPending(into: &out) }
        }
        return out
    }

    /// Follows `bytes` from the client (passed on to the server as they are).
    mutating func client(_ bytes: ByteBuffer) {
        var input = bytes
        while let piece = fromClient.next(from: &input) {
            switch piece {
            case .bytes(let slice): noteGoAway(slice)
            case .header(_, let frame): goAway = frame.type == HTTP2FrameReader.Frame.goAwayType && frame.length >= 8 ? [] : nil
            }
        }
    }

    private mutating func noteGoAway(_ payload: ByteBuffer) {
        guard var bytes = goAway else { return }
        bytes += payload.readableBytesView.prefix(8 - bytes.count)
        guard bytes.count == 8 else {
            goAway = bytes
            return
        }
        clientGoAwayCode = bytes[4...].reduce(0) { $0 << 8 | UInt32($1) }
        goAway = nil
    }

    private mutating func flushPending(into out: inout ByteBuffer) {
        guard pending > 0 else { return }
        out.reserveCapacity(out.readableBytes + pending * Self.emptySettingsFrame.count)
        for _ in 0..<pending { out.writeBytes(Self.emptySettingsFrame) }
        injected += pending
        pending = 0
    }
}

/// Follows one direction of an HTTP/2 connection's bytes frame by frame: a preface to pass
/// over first, then 9-byte frame headers (held back until whole) each followed by its payload.
struct HTTP2FrameReader {
    /// A frame header's fields the splicer needs.
    struct Frame: Equatable {
        var length: Int
        var type: UInt8
        var flags: UInt8
        static let goAwayType: UInt8 = 0x7
    }

    /// A piece of the byte stream.
    enum Piece {
        /// Preface or payload bytes, passed on as they are.
        case bytes(ByteBuffer)
        /// A whole frame header.
        case header(ByteBuffer, Frame)
    }

    static let headerLength = 9

    private var prefaceRemaining: Int
    private var payloadRemaining = 0
    private var partialHeader = ByteBuffer()

    /// A reader whose stream begins with `preface` bytes that are not frames.
    init(preface: Int) {
        prefaceRemaining = preface
    }

    /// Whether the bytes read so far end exactly between two frames.
    var atBoundary: Bool { prefaceRemaining == 0 && payloadRemaining == 0 && partialHeader.readableBytes == 0 }

    /// The next piece of `input`, nil when it has none left (a partial header is kept for the
    /// next call).
    mutating func next(from input: inout ByteBuffer) -> Piece? {
        guard input.readableBytes > 0 else { return nil }
        if prefaceRemaining > 0 || payloadRemaining > 0 {
            let count = min(input.readableBytes, prefaceRemaining > 0 ? prefaceRemaining : payloadRemaining)
            if prefaceRemaining > 0 { prefaceRemaining -= count } else { payloadRemaining -= count }
            return .bytes(input.readSlice(length: count)!)
        }
        var wanted = Self.headerLength - partialHeader.readableBytes
        var part = input.readSlice(length: min(wanted, input.readableBytes))!
        wanted -= part.readableBytes
        partialHeader.writeBuffer(&part)
        guard wanted == 0 else { return nil }
        let header = partialHeader
        partialHeader = ByteBuffer()
        let length = Int(header.getInteger(at: header.readerIndex, as: UInt8.self)!) << 16
            | Int(header.getInteger(at: header.readerIndex + 1, as: UInt16.self)!)
        let frame = Frame(
            length: length, type: header.getInteger(at: header.readerIndex + 3)!, flags: header.getInteger(at: header.readerIndex + 4)!)
        payloadRemaining = length
        return .header(header, frame)
    }
}
