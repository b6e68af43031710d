import HeadnetCore
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The one error type of the `NodeHTTP` module: why a request to a node's API got no answer.
public typealias NodeHTTPError = ModuleError<NodeHTTPErrorCode>

/// What kind of failure a ``NodeHTTPError`` is.
public enum NodeHTTPErrorCode: String, Sendable {
    /// Nothing listens on the port (the node is not running).
    case refused
    /// The connection was not set up within the connect timeout.
    case connectTimeout
    /// The node accepted the request but did not answer within the read timeout (a node
    /// stopped with SIGSTOP, or one too busy to answer).
    case timeout
    /// The node closed the connection before it answered.
    case closed
    /// Anything else: the cause says what.
    case failed
}

extension ModuleError where Code == NodeHTTPErrorCode {
    /// A short reason for the user: "connection refused", "no answer within 5 s", ….
    public var reason: String {
        switch code {
        case .refused: "connection refused"
        case .connectTimeout: "no connection within the connect timeout"
        case .timeout: message
        case .closed: "the connection closed before an answer"
        case .failed: cause.map { "\($0)" } ?? message
        }
    }

    /// The error for a failed connect to `authority`.
    static func connecting(to authority: String, _ error: any Error) -> NodeHTTPError {
        if let error = error as? NodeHTTPError { return error }
        if case ChannelError.connectTimeout = error {
            return NodeHTTPError(.connectTimeout, "no connection to \(authority) within the connect timeout", cause: error)
        }
        if let connect = error as? NIOConnectionError, connect.connectionErrors.contains(where: { Self.isRefused($0.error) }) {
            return NodeHTTPError(.refused, "nothing answers at \(authority) (connection refused)")
        }
        if isRefused(error) { return NodeHTTPError(.refused, "nothing answers at \(authority) (connection refused)") }
        return NodeHTTPError(.failed, "cannot connect to \(authority)", cause: error)
    }

    private static func isRefused(_ error: any Error) -> Bool {
        guard let error = error as? IOError else { return false }
        return error.errnoCode == ECONNREFUSED
    }
}
