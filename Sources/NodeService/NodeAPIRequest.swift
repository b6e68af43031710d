import Hummingbird
import NIOCore

/// Why the node API refuses a request before the node sees it: the status and one line of text.
///
/// The parsing of a request's parts is here, as functions of those parts, so that it is tested
/// and fuzzed without a server (`Fuzz/`, `make fuzz-request`). The node reads no request header:
/// a broadcast's body is bounded by what is collected, whatever `Content-Length` says.
public struct RequestRefusal: Error, Sendable, Hashable {
    /// The response's status.
    public var status: HTTPResponse.Status
    /// What is wrong and what to do, without the newline.
    public var message: String

    /// Creates a refusal.
    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// The plain-text response that says so.
    var response: Response { NodeAPI.text(status, message + "\n") }
}

/// The body of `POST /broadcast`: the payload to broadcast, as it came.
public enum BroadcastBody {
    /// The most bytes a broadcast's payload may have (1 MiB).
    public static let maxBytes = 1 << 20

    /// Collects `body`, at most `limit` bytes, as the payload.
    ///
    /// - Throws: ``RequestRefusal`` 413 when the body is over `limit`, 400 when it is empty; any
    ///   other error of reading the body as it is.
    public static func payload(_ body: RequestBody, limit: Int = maxBytes) async throws -> [UInt8] {
        let collected: ByteBuffer
        do {
            collected = try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            let mebibytes = limit >= 1 << 20 && limit % (1 << 20) == 0 ? " (\(limit >> 20) MiB)" : ""
            throw RequestRefusal(.contentTooLarge, "the payload is over the limit of \(limit) bytes\(mebibytes) a broadcast may carry")
        }
        guard collected.readableBytes > 0 else {
            throw RequestRefusal(.badRequest, "the body is the payload to broadcast and must not be empty")
        }
        return Array(buffer: collected)
    }
}

/// The query of `GET /messages`: `after=N` and `follow=true`.
public struct MessagesQuery: Sendable, Hashable {
    /// The journal index after which to serve (≥ 0); 0 when `after` is absent.
    public var after: Int
    /// Whether to keep the response open and serve later appends (`follow=true`; any other
    /// value, or none, is false).
    public var follow: Bool

    /// A query with these values.
    public init(after: Int = 0, follow: Bool = false) {
        self.after = after
        self.follow = follow
    }

    /// The query of `request`'s URI: the first `after` and `follow` parameters (their values
    /// percent-decoded, their names as written, as Hummingbird reads a query).
    ///
    /// - Throws: ``RequestRefusal`` 400 naming the parameter when `after` is not an integer ≥ 0.
    public init(_ request: Request) throws(RequestRefusal) {
        let parameters = request.uri.queryParameters
        switch Self.after(parameters.get("after")) {
        case .success(let value): after = value
        case .failure(let error): throw RequestRefusal(.badRequest, error.message)
        }
        follow = parameters.get("follow") == "true"
    }

    /// `after=N`: a journal index ≥ 0; 0 when absent.
    static func after(_ text: String?) -> Result<Int, NodeServiceError> {
        guard let text else { return .success(0) }
        guard let value = Int(text), value >= 0 else {
            return .failure(NodeServiceError(.badRequest, "query parameter 'after' must be a journal index (an integer ≥ 0), not '\(text)'"))
        }
        return .success(value)
    }
}
