import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// One node's `GET /messages?after=N&follow=true`, open for the whole run: each journal line
/// that carries a bench payload is recorded on the ``DeliveryBoard`` as delivered by that node.
enum FollowStream {
    /// Opens the stream of node number `node` on `host:port`, from journal index `after`.
    static func open(host: String, port: Int, node: Int, after: Int, board: DeliveryBoard) async throws -> any Channel {
        let authority = "\(host):\(port)"
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: board.loop)
                .connectTimeout(.seconds(5))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(FollowStreamHandler(node: node, board: board))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            throw BenchError(.node, "cannot connect to the node API at \(authority); is the node running?", cause: error)
        }
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/messages?after=\(after)&follow=true")
        head.headers.add(name: "Host", value: authority)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
        return channel
    }
}

/// Splits a follow stream's body into lines and records each bench payload as delivered.
final class FollowStreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let node: Int
    private let board: DeliveryBoard
    private var carry = ByteBuffer()

    init(node: Int, board: DeliveryBoard) {
        self.node = node
        self.board = board
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if head.status != .ok { board.streamEnded(node: node, reason: "answered \(head.status.code)") }
        case .body(var part):
            // Every line of this read arrived now.
            let now = DeliveryBoard.now()
            carry.writeBuffer(&part)
            while let length = Self.lineLength(carry) {
                if let line = carry.readSlice(length: length), let payload = line.withUnsafeReadableBytes({ JournalLine.payload(in: $0) }) {
                    board.delivered(payload, node: node, at: now)
                }
                carry.moveReaderIndex(forwardBy: 1)
            }
            carry.discardReadBytes()
        case .end:
            board.streamEnded(node: node, reason: "ended")
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        board.streamEnded(node: node, reason: "was closed")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        board.streamEnded(node: node, reason: "failed (\(error))")
        context.close(promise: nil)
    }

    /// Bytes before the first newline of `buffer`'s readable bytes; nil when there is none yet.
    static func lineLength(_ buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard let base = bytes.baseAddress, let found = memchr(base, 0x0a, bytes.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }
}
