import NIOCore

/// Answers the server's HTTP/2 PING frames below the HTTP/2 layer and drops them from the stream.
///
/// etcd's gRPC server sends a PING with (almost) every request it handles. swift-nio-http2 counts
/// inbound control frames and closes the connection with `GOAWAY ENHANCE_YOUR_CALM` after about 200
/// of them in 30 seconds, so a client left to the stock pipeline dies after a few hundred RPCs.
/// This handler sits between the socket (or TLS) and `NIOHTTP2Handler`, parses the frame headers of
/// the inbound byte stream, replies to each PING (without the ACK flag) with a PING ACK carrying
/// the same 8 bytes, and forwards every other byte unchanged. PING ACKs — answers to our own
/// keepalive pings — pass through.
///
/// The server's connection preface is a plain SETTINGS frame, so frame parsing starts at byte 0.
final class PingResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private static let frameHeaderLength = 9
    private static let pingType: UInt8 = 0x6
    private static let ackFlag: UInt8 = 0x1
    private static let pingPayloadLength = 8

    /// Bytes of the current non-PING frame that still have to be forwarded as they arrive.
    private var passThroughRemaining = 0
    /// Bytes held back until a whole frame header (or a whole PING frame) is available.
    private var pending: ByteBuffer?
    /// How many PINGs were answered on this connection (for tests and debugging).
    private(set) var answered = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = Self.unwrapInboundIn(data)
        if var held = self.pending {
            held.writeBuffer(&incoming)
            incoming = held
            self.pending = nil
        }
        var forwarded: ByteBuffer? = nil
        var repliedToPing = false

        while incoming.readableBytes > 0 {
            if self.passThroughRemaining > 0 {
                let count = min(self.passThroughRemaining, incoming.readableBytes)
                var slice = incoming.readSlice(length: count)!
                self.passThroughRemaining -= count
                if forwarded == nil {
                    forwarded = slice
                } else {
                    forwarded!.writeBuffer(&slice)
                }
                continue
            }
            guard incoming.readableBytes >= Self.frameHeaderLength else { break }
            let start = incoming.readerIndex
            let length =
                Int(incoming.getInteger(at: start, as: UInt8.self)!) << 16
                | Int(incoming.getInteger(at: start + 1, as: UInt16.self)!)
            let type = incoming.getInteger(at: start + 3, as: UInt8.self)!
            let flags = incoming.getInteger(at: start + 4, as: UInt8.self)!
            let isPingRequest = type == Self.pingType && flags & Self.ackFlag == 0
                && length == Self.pingPayloadLength
            if isPingRequest {
                guard incoming.readableBytes >= Self.frameHeaderLength + length else { break }
                incoming.moveReaderIndex(forwardBy: Self.frameHeaderLength)
                let payload = incoming.readSlice(length: length)!
                self.reply(to: payload, context: context)
                repliedToPing = true
            } else {
                // Forward the header now; the payload follows through passThroughRemaining.
                var header = incoming.readSlice(length: Self.frameHeaderLength)!
                if forwarded == nil {
                    forwarded = header
                } else {
                    forwarded!.writeBuffer(&header)
                }
                self.passThroughRemaining = length
            }
        }
        if incoming.readableBytes > 0 {
            self.pending = incoming
        }
        if repliedToPing {
            context.flush()
        }
        if let forwarded, forwarded.readableBytes > 0 {
            context.fireChannelRead(Self.wrapInboundOut(forwarded))
        }
    }

    private func reply(to payload: ByteBuffer, context: ChannelHandlerContext) {
        var frame = context.channel.allocator.buffer(capacity: Self.frameHeaderLength + Self.pingPayloadLength)
        frame.writeInteger(UInt8(0))
        frame.writeInteger(UInt16(Self.pingPayloadLength))
        frame.writeInteger(Self.pingType)
        frame.writeInteger(Self.ackFlag)
        frame.writeInteger(UInt32(0))  // stream 0
        var payload = payload
        frame.writeBuffer(&payload)
        self.answered += 1
        context.write(NIOAny(frame), promise: nil)
    }
}
