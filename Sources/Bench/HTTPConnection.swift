import NIOCore
import NIOHTTP1
import NIOPosix

/// The status and body of one HTTP response.
struct HTTPResponse: Sendable {
    /// The status code.
    var status: Int
    /// The whole body.
    var body: ByteBuffer

    /// The body as text, for error messages.
    var text: String { String(String(buffer: body).split(separator: "\n").first ?? "") }
}

/// One request handed down the pipeline to ``HTTPExchangeHandler``, with the promise its
/// response completes.
struct HTTPExchange: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    var response: EventLoopPromise<HTTPResponse>
}

/// A keep-alive HTTP/1.1 connection to a node's API on SwiftNIO, one request at a time.
///
/// Much cheaper per request than URLSession (curl underneath): at saturation the bench posts
/// ten thousand broadcasts a second on a machine the cluster itself keeps busy.
final class HTTPConnection: Sendable {
    /// The connection.
    let channel: any Channel
    /// `host:port`, for the Host header and error messages.
    let authority: String

    private init(channel: any Channel, authority: String) {
        self.channel = channel
        self.authority = authority
    }

    /// Connects to `host:port` on `loop` (every connection of a run shares one loop, so the
    /// bench's state needs no lock).
    static func connect(host: String, port: Int, on loop: any EventLoop) async throws -> HTTPConnection {
        let authority = "\(host):\(port)"
        do {
            let channel = try await ClientBootstrap(group: loop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(5))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(HTTPExchangeHandler(authority: authority))
                    }
                }
                .connect(host: host, port: port).get()
            return HTTPConnection(channel: channel, authority: authority)
        } catch {
            throw BenchError(.node, "cannot connect to the node API at \(authority); is the node running?", cause: error)
        }
    }

    /// Sends a request; the future completes with the response (on the connection's loop).
    func send(_ method: HTTPMethod, _ uri: String, body: ByteBuffer? = nil) -> EventLoopFuture<HTTPResponse> {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
        head.headers.add(name: "Host", value: authority)
        if let body {
            head.headers.add(name: "Content-Length", value: String(body.readableBytes))
            head.headers.add(name: "Content-Type", value: "application/octet-stream")
        }
        let response = channel.eventLoop.makePromise(of: HTTPResponse.self)
        channel.writeAndFlush(HTTPExchange(head: head, body: body, response: response)).cascadeFailure(to: response)
        return response.futureResult
    }

    /// Closes the connection.
    func close() async {
        try? await channel.close()
    }
}

/// Turns ``HTTPExchange`` writes into HTTP/1.1 requests and completes each with its response.
final class HTTPExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPExchange
    typealias OutboundOut = HTTPClientRequestPart

    private let authority: String
    private var pending: EventLoopPromise<HTTPResponse>?
    private var status = 0
    private var body = ByteBuffer()

    init(authority: String) {
        self.authority = authority
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard pending == nil else {
            let error = BenchError(.node, "a second request on the connection to \(authority) before the first was answered")
            exchange.response.fail(error)
            promise?.fail(error)
            return
        }
        pending = exchange.response
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if let body = exchange.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            let promise = pending
            pending = nil
            promise?.succeed(HTTPResponse(status: status, body: body))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(BenchError(.node, "the node API at \(authority) closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(BenchError(.node, "the connection to the node API at \(authority) failed", cause: error))
        context.close(promise: nil)
    }

    private func fail(_ error: BenchError) {
        let promise = pending
        pending = nil
        promise?.fail(error)
    }
}
