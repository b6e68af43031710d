/// How an ``EtcdClient`` connects: endpoints, TLS, timeouts and limits.
public struct EtcdClientConfiguration: Sendable {
    /// Client certificate settings for `https://` endpoints (etcd's `--client-cert-auth`).
    public struct TLS: Sendable, Hashable {
        /// PEM file with the CA that signed the etcd members' server certificates.
        public var caFile: String?
        /// PEM file with the client certificate presented to etcd.
        public var certFile: String?
        /// PEM file with the client certificate's private key.
        public var keyFile: String?
        /// Whether to check that the server certificate names the host we dialled.
        public var verifyHostname: Bool

        /// Creates TLS settings; all files are PEM.
        public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, verifyHostname: Bool = true) {
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
            self.verifyHostname = verifyHostname
        }
    }

    /// Client URLs of the members to use, e.g. `["http://127.0.0.1:2379"]`.
    public var endpoints: [String]
    /// TLS settings; required when an endpoint is `https://`, applied to all of them.
    public var tls: TLS?
    /// Deadline of each unary call (etcdctl's `--command-timeout` is 5 s as well).
    public var requestTimeout: Duration
    /// How long an operation keeps failing over between endpoints before it gives up.
    public var failoverTimeout: Duration
    /// Largest message the client accepts from etcd (ranges and snapshot chunks can be large).
    public var maxReceiveMessageBytes: Int
    /// Largest message the client sends (etcd's own limit is 1.5 MiB by default).
    public var maxSendMessageBytes: Int
    /// Whether mutations (put, delete, txn, lease grant, member changes) are retried on another
    /// endpoint when the call failed with `unavailable`. gRPC reports `unavailable` when the
    /// request could not be sent; in rare cases a request that reached a dying member is applied
    /// anyway, so callers that must not write twice guard their writes (as the network
    /// component's Txn on the key's mod revision does).
    public var retryMutationsOnUnavailable: Bool

    /// Creates a configuration with sensible defaults.
    public init(
        endpoints: [String],
        tls: TLS? = nil,
        requestTimeout: Duration = .seconds(5),
        failoverTimeout: Duration = .seconds(10),
        maxReceiveMessageBytes: Int = 64 << 20,
        maxSendMessageBytes: Int = 16 << 20,
        retryMutationsOnUnavailable: Bool = true
    ) {
        self.endpoints = endpoints
        self.tls = tls
        self.requestTimeout = requestTimeout
        self.failoverTimeout = failoverTimeout
        self.maxReceiveMessageBytes = maxReceiveMessageBytes
        self.maxSendMessageBytes = maxSendMessageBytes
        self.retryMutationsOnUnavailable = retryMutationsOnUnavailable
    }
}
