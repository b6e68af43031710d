import NIOCore
import NIOHTTP1
import NIOPosix

/// The status, headers and body of one HTTP response.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The headers.
    public var headers: HTTPHeaders
    /// The whole body.
    public var body: ByteBuffer

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body's first line, for error messages.
    public var text: String { String(String(buffer: body).split(separator: "\n").first ?? "") }
    /// The whole body as bytes.
    public var bytes: [UInt8] { Array(buffer: body) }
}

/// One request handed down the pipeline to ``HTTPExchangeHandler``, with the promise its
/// response completes.
struct HTTPExchange: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    var timeout: TimeAmount?
    var response: EventLoopPromise<HTTPResponse>
}

/// A keep-alive HTTP/1.1 connection to a node's API on SwiftNIO, one request at a time: the
/// client every part of headnet uses for the node API (CLI, orchestrator, bench).
///
/// Waiting costs nothing: the connection sits in the event loop's epoll until the node answers
/// or a timeout fires, so a node stopped with SIGSTOP is waited for without burning a core
/// (Foundation's client over libcurl polled thousands of times a second there). It is cheap per request
/// too: at saturation the bench posts ten thousand broadcasts a second over these.
public final class HTTPConnection: Sendable {
    /// The connection.
    public let channel: any Channel
    /// `host:port`, for the Host header and error messages.
    public let authority: String

    private init(channel: any Channel, authority: String) {
        self.channel = channel
        self.authority = authority
    }

    /// Connects to `host:port` on `loop` (the bench puts every connection of a run on one loop,
    /// so its state needs no lock); gives up after `connectTimeout`.
    ///
    /// - Throws: ``NodeHTTPError`` `refused` when nothing listens, `connectTimeout`, or `failed`.
    public static func connect(
        host: String, port: Int, on loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any(), connectTimeout: TimeAmount = .seconds(1)
    ) async throws -> HTTPConnection {
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        do {
            let channel = try await ClientBootstrap(group: loop)
                // `.tcpOption`: `.socketOption` puts the name at SOL_SOCKET, where 1 is SO_DEBUG,
                // which only root may set (everyone else got EACCES and no connection).
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connectTimeout(connectTimeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(HTTPExchangeHandler(authority: authority))
                    }
                }
                .connect(host: host, port: port).get()
            return HTTPConnection(channel: channel, authority: authority)
        } catch {
            throw NodeHTTPError.connecting(to: authority, error)
        }
    }

    /// Sends a request; the future completes with the response (on the connection's loop), or
    /// fails with ``NodeHTTPError`` `timeout` when none came within `timeout` (the connection
    /// is closed then).
    public func send(
        _ method: HTTPMethod, _ uri: String, headers: [(String, String)] = [], body: ByteBuffer? = nil, timeout: TimeAmount? = nil
    ) -> EventLoopFuture<HTTPResponse> {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
        head.headers.add(name: "Host", value: authority)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if let body {
            head.headers.add(name: "Content-Length", value: String(body.readableBytes))
            if !head.headers.contains(name: "Content-Type") { head.headers.add(name: "Content-Type", value: "application/octet-stream") }
        }
        let response = channel.eventLoop.makePromise(of: HTTPResponse.self)
        channel.writeAndFlush(HTTPExchange(head: head, body: body, timeout: timeout, response: response)).cascadeFailure(to: response)
        return response.futureResult
    }

    /// One request on a connection of its own, closed afterwards: what a command line tool
    /// needs. Connects within `connectTimeout`, then waits at most `timeout` for the answer.
    ///
    /// - Throws: ``NodeHTTPError``.
    public static func request(
        host: String, port: Int, _ method: HTTPMethod, _ uri: String, headers: [(String, String)] = [], body: ByteBuffer? = nil,
        connectTimeout: TimeAmount = .seconds(1), timeout: TimeAmount
    ) async throws -> HTTPResponse {
        let connection = try await connect(host: host, port: port, connectTimeout: connectTimeout)
        do {
            let response = try await connection.send(method, uri, headers: headers, body: body, timeout: timeout).get()
            await connection.close()
            return response
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Closes the connection.
    public func close() async {
        try? await channel.close()
    }
}

/// Turns ``HTTPExchange`` writes into HTTP/1.1 requests and completes each with its response,
/// or with a timeout.
final class HTTPExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPExchange
    typealias OutboundOut = HTTPClientRequestPart

    private let authority: String
    private var pending: EventLoopPromise<HTTPResponse>?
    private var timer: Scheduled<Void>?
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()

    init(authority: String) {
        self.authority = authority
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard pending == nil else {
            let error = NodeHTTPError(.failed, "a second request on the connection to \(authority) before the first was answered")
            exchange.response.fail(error)
            promise?.fail(error)
            return
        }
        pending = exchange.response
        if let timeout = exchange.timeout {
            let seconds = Double(timeout.nanoseconds) / 1e9
            let label = seconds.rounded() == seconds ? "\(Int(seconds)) s" : "\(seconds) s"
            let channel = context.channel
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(in: timeout) {
                handler.value.fail(NodeHTTPError(.timeout, "no answer from \(handler.value.authority) within \(label)"))
                channel.close(promise: nil)
            }
        }
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if let body = exchange.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            let promise = pending
            pending = nil
            timer?.cancel()
            timer = nil
            promise?.succeed(HTTPResponse(status: Int(head?.status.code ?? 0), headers: head?.headers ?? [:], body: body))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(NodeHTTPError(.closed, "the node API at \(authority) closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(NodeHTTPError(.failed, "the connection to the node API at \(authority) failed", cause: error))
        context.close(promise: nil)
    }

    private func fail(_ error: NodeHTTPError) {
        timer?.cancel()
        timer = nil
        let promise = pending
        pending = nil
        promise?.fail(error)
    }
}
