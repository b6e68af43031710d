import NIOCore
import NIOPosix
import HeadnetCore

/// A TCP relay between a node and its etcd's client port that can send the node a burst of
/// HTTP/2 SETTINGS frames on its etcd connections, as if etcd had sent them (the `settings-burst`
/// drill step; Hydra issue #2817: a node died on `GOAWAY ENHANCE_YOUR_CALM` under load).
///
/// The node dials the relay (``HeadnetCore/EtcdDialOverride``); each connection it opens is
/// spliced to a new connection to etcd, the bytes passed on as they are except for the frames
/// ``SettingsBurstSplicer`` puts in. Plaintext only (h2c): under TLS the frames
/// cannot be seen. The relay is bound with ``bind(port:target:)``, serves while ``run()`` runs
/// (a child task of the drill) and closes its listener and every connection when that task is
/// cancelled.
public final class SettingsBurstRelay: Sendable {
    /// What one ``inject(frames:)`` did.
    public struct Injection: Sendable, Hashable {
        /// The connections open when it was asked (the frames went to each).
        public var connections: [Int]
        /// The frames sent right away (the rest go at the connection's next frame boundary).
        public var sentNow: Int
    }

    /// One relayed connection, confined to its event loop.
    final class Connection {
        var splicer = SettingsBurstSplicer()
        let client: Channel
        var server: Channel?
        /// The client's bytes that came before the connection to etcd was up (sent, in order,
        /// by ``serverActive()``).
        var early = ByteBuffer()

        init(client: Channel) {
            self.client = client
        }

        func fromServer(_ bytes: ByteBuffer) {
            client.writeAndFlush(splicer.server(bytes), promise: nil)
        }

        func fromClient(_ bytes: ByteBuffer) {
            splicer.client(bytes)
            guard let server, server.isActive, early.readableBytes == 0 else {
                var bytes = bytes
                early.writeBuffer(&bytes)
                return
            }
            server.writeAndFlush(bytes, promise: nil)
        }

        func serverActive() {
            guard let server, early.readableBytes > 0 else { return }
            server.writeAndFlush(early, promise: nil)
            early = ByteBuffer()
        }

        func close() {
            client.close(promise: nil)
            server?.close(promise: nil)
        }
    }

    /// A connection as the registry keeps it.
    struct Registered: Sendable {
        let eventLoop: any EventLoop
        let connection: NIOLoopBound<Connection>
    }

    struct Registry: Sendable {
        var next = 1
        var open: [Int: Registered] = [:]
        var injected = 0
        /// The error code of the GOAWAY the client sent on each closed connection that had one.
        var goAwayCodes: [Int: UInt32] = [:]
    }

    /// The port the relay listens on (127.0.0.1).
    public let port: Int
    /// The port it forwards to (127.0.0.1).
    public let target: Int
    private let listener: any Channel
    private let registry: LockedValue<Registry>

    private init(port: Int, target: Int, listener: any Channel, registry: LockedValue<Registry>) {
        self.port = port
        self.target = target
        self.listener = listener
        self.registry = registry
    }

    /// Listens on 127.0.0.1:`port` (0: a free one, see ``port``) and relays each connection to
    /// 127.0.0.1:`target`.
    ///
    /// - Throws: NIO's error when the port cannot be bound.
    public static func bind(port: Int, target: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> SettingsBurstRelay {
        // The registry is shared by the listener's child channels and the relay; made first, so
        // that the channels can register before the relay exists.
        let shared = LockedValue(Registry())
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { client in
                Self.splice(client, to: target, registry: shared)
            }
            .bind(host: "127.0.0.1", port: port).get()
        return SettingsBurstRelay(port: listener.localAddress?.port ?? port, target: target, listener: listener, registry: shared)
    }

    /// Serves until the task is cancelled; then closes the listener and every connection.
    public func run() async {
        await withTaskCancellationHandler {
            try? await listener.closeFuture.get()
        } onCancel: {
            listener.close(promise: nil)
        }
        await close()
    }

    /// Closes the listener and every connection (a relay bound and never run).
    public func close() async {
        try? await listener.close()
        for registered in registry.withLock({ Array($0.open.values) }) {
            try? await registered.eventLoop.submit { registered.connection.value.close() }.get()
        }
    }

    /// Sends `frames` empty SETTINGS frames on every open connection, at its next frame boundary.
    public func inject(frames: Int) async -> Injection {
        let open = registry.withLock { $0.open.sorted { $0.key < $1.key } }
        var sentNow = 0
        for (_, registered) in open {
            let now = try? await registered.eventLoop.submit { () -> Int in
                let connection = registered.connection.value
                guard let bytes = connection.splicer.inject(frames) else { return 0 }
                connection.client.writeAndFlush(bytes, promise: nil)
                return frames
            }.get()
            sentNow += now ?? 0
        }
        registry.withLock { $0.injected += frames * open.count }
        return Injection(connections: open.map(\.key), sentNow: sentNow)
    }

    /// The ids of the connections open now (ids grow: a connection opened later has a larger one).
    public var openConnections: [Int] { registry.withLock { $0.open.keys.sorted() } }

    /// The error code of the GOAWAY the node sent on connection `id` before it closed, if it sent
    /// one (`0xb`: ENHANCE_YOUR_CALM).
    public func goAwayCode(of id: Int) -> UInt32? { registry.withLock { $0.goAwayCodes[id] } }

    /// The SETTINGS frames asked for so far, on all connections.
    public var injected: Int { registry.withLock { $0.injected } }

    /// Sets up an accepted connection: connects to etcd on the same event loop and splices the two.
    private static func splice(_ client: any Channel, to target: Int, registry: LockedValue<Registry>) -> EventLoopFuture<Void> {
        let loop = client.eventLoop
        let connection = NIOLoopBound(Connection(client: client), eventLoop: loop)
        let id = registry.withLock { registry in
            defer { registry.next += 1 }
            registry.open[registry.next] = Registered(eventLoop: loop, connection: connection)
            return registry.next
        }
        client.closeFuture.whenComplete { _ in
            let code = connection.value.splicer.clientGoAwayCode
            registry.withLock { registry in
                registry.open.removeValue(forKey: id)
                if let code { registry.goAwayCodes[id] = code }
            }
            connection.value.close()
        }
        let upstream = ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { server in
                connection.value.server = server
                return server.eventLoop.makeCompletedFuture {
                    try server.pipeline.syncOperations.addHandler(Forward(connection: connection.value, fromServer: true))
                }
            }
            .connect(host: "127.0.0.1", port: target)
        upstream.whenFailure { _ in client.close(promise: nil) }
        upstream.whenSuccess { server in
            server.closeFuture.whenComplete { _ in client.close(promise: nil) }
            connection.value.serverActive()
        }
        return loop.makeCompletedFuture {
            try client.pipeline.syncOperations.addHandler(Forward(connection: connection.value, fromServer: false))
        }
    }

    /// Passes one side's bytes to the connection's splicer.
    final class Forward: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        let connection: Connection
        let fromServer: Bool

        init(connection: Connection, fromServer: Bool) {
            self.connection = connection
            self.fromServer = fromServer
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Self.unwrapInboundIn(data)
            if fromServer { connection.fromServer(bytes) } else { connection.fromClient(bytes) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            connection.close()
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            connection.close()
        }
    }
}
