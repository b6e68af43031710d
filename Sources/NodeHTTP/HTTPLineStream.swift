import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Receives the lines of a streamed response (NDJSON), on the connection's event loop.
public protocol HTTPLineSink: AnyObject {
    /// The response's status arrived.
    func answered(status: Int)
    /// The complete lines of one read, without their newlines, in order.
    func received(lines: [ByteBuffer])
    /// The stream ended: the response ended, the connection closed, or it failed.
    func ended(reason: String)
}

/// A `GET` whose response is read as lines while it streams, such as a node's
/// `/messages?after=N&follow=true`.
public enum HTTPLineStream {
    /// Sends `GET uri` to `host:port` on `loop` and hands every line of the answer to `sink`
    /// until it ends; close the returned channel to stop early.
    ///
    /// - Throws: ``NodeHTTPError`` when the connection cannot be made.
    public static func open(
        host: String, port: Int, uri: String, on loop: any EventLoop, connectTimeout: TimeAmount = .seconds(1),
        sink: @escaping @Sendable () -> any HTTPLineSink
    ) async throws -> any Channel {
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(connectTimeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(HTTPLineHandler(sink: sink()))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            throw NodeHTTPError.connecting(to: authority, error)
        }
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri)
        head.headers.add(name: "Host", value: authority)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
        return channel
    }
}

/// Splits a streamed body into lines for an ``HTTPLineSink``.
final class HTTPLineHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let sink: any HTTPLineSink
    private var carry = ByteBuffer()
    private var ended = false

    init(sink: any HTTPLineSink) {
        self.sink = sink
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            sink.answered(status: Int(head.status.code))
        case .body(var part):
            carry.writeBuffer(&part)
            var lines: [ByteBuffer] = []
            while let length = Self.lineLength(carry), let line = carry.readSlice(length: length) {
                lines.append(line)
                carry.moveReaderIndex(forwardBy: 1)
            }
            carry.discardReadBytes()
            if !lines.isEmpty { sink.received(lines: lines) }
        case .end:
            end("ended")
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        end("was closed")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        end("failed (\(error))")
        context.close(promise: nil)
    }

    private func end(_ reason: String) {
        guard !ended else { return }
        ended = true
        sink.ended(reason: reason)
    }

    /// Bytes before the first newline of `buffer`'s readable bytes; nil when there is none yet.
    static func lineLength(_ buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard let base = bytes.baseAddress, let found = memchr(base, 0x0a, bytes.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }
}
