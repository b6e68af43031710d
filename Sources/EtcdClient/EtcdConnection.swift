import EtcdAPI
import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore
import NIOHTTP2

/// One gRPC connection to one etcd member, with the generated service clients on top.
///
/// The transport gets a ``PingResponder`` in front of its HTTP/2 handler, so etcd's PING per
/// request does not trip swift-nio-http2's control-frame flood protection.
struct EtcdConnection: Sendable {
    typealias Transport = HTTP2ClientTransport.Posix

    let endpoint: EtcdEndpoint
    let grpc: GRPCClient<Transport>
    let kv: Etcdserverpb_KV.Client<Transport>
    let watch: Etcdserverpb_Watch.Client<Transport>
    let lease: Etcdserverpb_Lease.Client<Transport>
    let cluster: Etcdserverpb_Cluster.Client<Transport>
    let maintenance: Etcdserverpb_Maintenance.Client<Transport>

    init(endpoint: EtcdEndpoint, tls: EtcdClientConfiguration.TLS?) throws {
        self.endpoint = endpoint
        // IP literals get IP targets: a DNS target would send the address as TLS SNI, which
        // NIOSSL rejects.
        let target: any ResolvableTarget =
            if endpoint.isIPv6 {
                .ipv6(address: endpoint.host, port: endpoint.port)
            } else if endpoint.isIPv4 {
                .ipv4(address: endpoint.host, port: endpoint.port)
            } else {
                .dns(host: endpoint.host, port: endpoint.port)
            }
        let security = try Self.transportSecurity(endpoint: endpoint, tls: tls)
        let config = Transport.Config.defaults { config in
            config.channelDebuggingCallbacks.onCreateTCPConnection = { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    let http2 = try sync.handler(type: NIOHTTP2Handler.self)
                    try sync.addHandler(PingResponder(), position: .before(http2))
                }
            }
            // Notice a dead or paused member even while no call is running.
            config.connection.keepalive = .init(time: .seconds(10), timeout: .seconds(5), allowWithoutCalls: true)
            config.backoff = .init(initial: .milliseconds(100), max: .seconds(2), multiplier: 1.6, jitter: 0.2)
        }
        let transport = try Transport(target: target, transportSecurity: security, config: config)
        self.grpc = GRPCClient(transport: transport)
        self.kv = Etcdserverpb_KV.Client(wrapping: grpc)
        self.watch = Etcdserverpb_Watch.Client(wrapping: grpc)
        self.lease = Etcdserverpb_Lease.Client(wrapping: grpc)
        self.cluster = Etcdserverpb_Cluster.Client(wrapping: grpc)
        self.maintenance = Etcdserverpb_Maintenance.Client(wrapping: grpc)
    }

    private static func transportSecurity(
        endpoint: EtcdEndpoint, tls: EtcdClientConfiguration.TLS?
    ) throws -> Transport.TransportSecurity {
        guard endpoint.secure || tls != nil else { return .plaintext }
        guard let tls else {
            throw EtcdError(
                code: .configuration,
                message: "endpoint \(endpoint) uses https but no TLS settings were given; pass the CA, client certificate and key")
        }
        let verification: TLSConfig.CertificateVerification =
            tls.verifyHostname ? .fullVerification : .noHostnameVerification
        let roots: TLSConfig.TrustRootsSource =
            tls.caFile.map { .certificates([.file(path: $0, format: .pem)]) } ?? .systemDefault
        if let cert = tls.certFile {
            guard let key = tls.keyFile else {
                throw EtcdError(code: .configuration, message: "a client certificate needs its key file too")
            }
            return .mTLS(certificateChain: [.file(path: cert, format: .pem)], privateKey: .file(path: key, format: .pem)) {
                $0.trustRoots = roots
                $0.serverCertificateVerification = verification
            }
        }
        return .tls {
            $0.trustRoots = roots
            $0.serverCertificateVerification = verification
        }
    }
}
