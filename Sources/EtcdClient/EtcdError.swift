import GRPCCore
import HeadnetCore

/// The one error type of the `EtcdClient` module.
///
/// `message` says what went wrong and what to do about it; `cause` keeps the underlying error
/// (usually a gRPC `RPCError`) for logs. Watches canceled because their start revision was
/// compacted carry the compact revision in ``compactRevision``.
public struct EtcdError: CodedError {
    /// What kind of failure this is; callers branch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The description of the code, e.g. `unavailable`.
        public var description: String { name }

        /// No endpoint could be reached (connection refused, member down, no leader).
        public static let unavailable = Code("unavailable")
        /// The call did not finish before its deadline.
        public static let deadlineExceeded = Code("deadlineExceeded")
        /// A watch started at, or a range read at, a revision that etcd has compacted away.
        public static let compacted = Code("compacted")
        /// A revision in the future was requested.
        public static let futureRevision = Code("futureRevision")
        /// The lease does not exist (expired or revoked).
        public static let leaseNotFound = Code("leaseNotFound")
        /// etcd rejected the request's arguments.
        public static let invalidArgument = Code("invalidArgument")
        /// etcd refused the request (authentication or certificates).
        public static let permissionDenied = Code("permissionDenied")
        /// A cluster membership change was refused (unknown member, learner not ready, ...).
        public static let membership = Code("membership")
        /// The member is a learner: until it is promoted it serves only Status and serializable
        /// reads ("rpc not supported for learner"; gRPC unavailable in etcd 3.4, failed
        /// precondition in later versions). Another member, or the same one once promoted, serves
        /// the call.
        public static let learner = Code("learner")
        /// The operation was cancelled by the caller.
        public static let cancelled = Code("cancelled")
        /// The client configuration is unusable (bad endpoint URL, missing certificate file, ...).
        public static let configuration = Code("configuration")
        /// Reading or writing a local file failed (snapshot).
        public static let io = Code("io")
        /// etcd answered with something the client did not expect.
        public static let protocolViolation = Code("protocolViolation")
        /// Any other failure reported by etcd or gRPC.
        public static let `internal` = Code("internal")
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong and what to do about it.
    public var message: String
    /// The operation that failed, e.g. `put`, `watch`, `memberAdd`.
    public var operation: String?
    /// The endpoint the failing call went to, when known.
    public var endpoint: String?
    /// For ``Code/compacted``: the oldest revision etcd still has.
    public var compactRevision: Int64?
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(
        code: Code, message: String, operation: String? = nil, endpoint: String? = nil,
        compactRevision: Int64? = nil, cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.operation = operation
        self.endpoint = endpoint
        self.compactRevision = compactRevision
        self.cause = cause
    }

    /// A one-line rendering: `etcd <operation> failed (<code>) at <endpoint>: <message> (<cause>)`.
    /// Its own text, not the common one: it names the call and endpoint and leaves out an
    /// `RPCError` cause, whose text the message already starts with.
    public var description: String {
        var text = "etcd"
        if let operation { text += " \(operation)" }
        text += " failed (\(code))"
        if let endpoint { text += " at \(endpoint)" }
        text += ": \(message)"
        // An RPCError's text already starts the message: say it once.
        if let cause, !(cause is RPCError) { text += " (\(cause))" }
        return text
    }

    /// Whether the same call may succeed when made again a moment later, here or on another
    /// endpoint: etcd is unavailable or restarting, too slow (deadline exceeded), cancelled the
    /// call itself (a server going away), or the member is still a learner. The one
    /// classification: the client fails over on it, the network component retries after 1 s.
    /// (A call the caller cancelled also has code `cancelled`: check `Task.isCancelled` first.)
    public var isTransient: Bool {
        [Code.unavailable, .deadlineExceeded, .cancelled, .learner].contains(code)
    }

    /// Maps any error thrown by a gRPC call into an `EtcdError`.
    static func from(_ error: any Error, operation: String, endpoint: String?) -> EtcdError {
        if var known = error as? EtcdError {
            known.operation = known.operation ?? operation
            known.endpoint = known.endpoint ?? endpoint
            return known
        }
        if error is CancellationError {
            return EtcdError(code: .cancelled, message: "the operation was cancelled", operation: operation, endpoint: endpoint)
        }
        guard let rpc = error as? RPCError else {
            return EtcdError(
                code: .internal, message: "unexpected error", operation: operation,
                endpoint: endpoint, cause: error)
        }
        let text = rpc.message
        let code: Code
        var message = text
        if text.contains("not supported for learner") {
            return EtcdError(
                code: .learner, message: "\(text); this member is a learner until it is promoted, ask a voting member",
                operation: operation, endpoint: endpoint, cause: rpc)
        }
        switch rpc.code {
        case .unavailable:
            code = .unavailable
            message = "\(text); check that the etcd member is running and reachable"
        case .deadlineExceeded:
            code = .deadlineExceeded
            message = "\(text); the member may be overloaded, paused or without a leader"
        case .cancelled:
            code = .cancelled
        case .outOfRange where text.contains("compacted"):
            code = .compacted
            message = "\(text); read from a newer revision"
        case .outOfRange where text.contains("future"):
            code = .futureRevision
        case .notFound where text.contains("lease"):
            code = .leaseNotFound
            message = "\(text); grant a new lease"
        case .invalidArgument, .outOfRange, .failedPrecondition:
            code = text.contains("member") || text.contains("learner") ? .membership : .invalidArgument
        case .notFound where text.contains("member"):
            code = .membership
        case .permissionDenied, .unauthenticated:
            code = .permissionDenied
            message = "\(text); check the client certificate and key given to headnet"
        default:
            code = .internal
        }
        return EtcdError(code: code, message: message, operation: operation, endpoint: endpoint, cause: rpc)
    }
}
