import Dispatch
import Hummingbird
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NodeService

/// `fuzz-request`: the input is what a client sends to a node's API, raw HTTP/1.1 (one request
/// or several, pipelined). It goes through the decoding Hummingbird's `HTTP1Channel` sets up
/// (NIO's HTTP/1 decoder with the same limits, then `HTTP1ToHTTPServerCodec`), in an
/// `EmbeddedChannel`: the request line, the headers (`Content-Length` and `Transfer-Encoding`
/// frame the body) and the body. Each complete request is then handed to what the node's router
/// reads of it: `MessagesQuery` (`after=`, `follow=` of `GET /messages`) and `BroadcastBody`
/// (the payload of `POST /broadcast`, with a 64-byte limit so that the 413 path is reached).
/// The node reads no request header itself.
///
/// Besides not crashing, it checks: a query either refuses with 400 or gives `after` ≥ 0 and
/// `follow` exactly when the parameter is `true`; a body is refused with 413 exactly when it is
/// over the limit, with 400 exactly when empty, and otherwise is the payload byte for byte.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for request in decodeRequests(bytes) {
        query(request, bytes)
        body(request, bytes)
    }
    return 0
}

/// The most bytes of a body the target lets through (the node's is 1 MiB).
let bodyLimit = 64

/// Stops the run with the input, so that the report alone reproduces it.
func fail(_ what: String, _ bytes: [UInt8]) -> Never {
    fatalError("\(what); input \(String(reflecting: String(decoding: bytes, as: UTF8.self)))")
}

/// A request as the router gets it, and its body as it came.
struct DecodedRequest {
    var request: Request
    var body: ByteBuffer
}

/// The complete requests in `bytes`, decoded as Hummingbird's HTTP/1 channel decodes them; none
/// past a malformed one.
func decodeRequests(_ bytes: [UInt8]) -> [DecodedRequest] {
    let channel = EmbeddedChannel()
    defer { _ = try? channel.finish() }
    do {
        // HTTP1Channel.setup's pipeline, with its default decoder limits.
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = 80 * 1024
        limits.maxHeaderListSize = 80 * 1024
        limits.maxHeaderFieldCount = 1000
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
            withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
            withEncoderConfiguration: .init(), withDecoderLimitConfiguration: limits)
        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
    } catch {
        fatalError("the HTTP pipeline cannot be set up: \(error)")
    }
    // A malformed request is an error here; what was decoded before it is still read below.
    _ = try? channel.writeInbound(ByteBuffer(bytes: bytes))
    var requests: [DecodedRequest] = []
    var head: HTTPRequest?
    var body = ByteBuffer()
    while let part = try? channel.readInbound(as: HTTPRequestPart.self) {
        switch part {
        case .head(let next):
            head = next
            body = ByteBuffer()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            if let head { requests.append(DecodedRequest(request: Request(head: head, body: RequestBody(buffer: body)), body: body)) }
            head = nil
        }
    }
    return requests
}

/// `GET /messages`'s query.
func query(_ decoded: DecodedRequest, _ bytes: [UInt8]) {
    let parameters = decoded.request.uri.queryParameters
    do throws(RequestRefusal) {
        let query = try MessagesQuery(decoded.request)
        guard query.after >= 0 else { fail("after=\(query.after) was accepted", bytes) }
        guard query.follow == (parameters.get("follow") == "true") else { fail("follow=\(query.follow) for \(decoded.request.uri)", bytes) }
    } catch {
        guard error.status == .badRequest, error.message.contains("'after'") else { fail("an unexpected refusal \(error)", bytes) }
    }
}

/// `POST /broadcast`'s body.
func body(_ decoded: DecodedRequest, _ bytes: [UInt8]) {
    let body = decoded.request.body
    let result = runBlocking { () -> Result<[UInt8], any Error> in
        do {
            return .success(try await BroadcastBody.payload(body, limit: bodyLimit))
        } catch {
            return .failure(error)
        }
    }
    let length = decoded.body.readableBytes
    switch result {
    case .success(let payload):
        guard length > 0, length <= bodyLimit, payload == Array(decoded.body.readableBytesView) else {
            fail("a body of \(length) bytes gave a payload of \(payload.count)", bytes)
        }
    case .failure(let error as RequestRefusal):
        let expected: HTTPResponse.Status = length > bodyLimit ? .contentTooLarge : .badRequest
        guard length == 0 || length > bodyLimit, error.status == expected else { fail("a body of \(length) bytes was refused: \(error)", bytes) }
    case .failure(let error):
        fail("reading a body of \(length) bytes failed: \(error)", bytes)
    }
}

/// Runs `work` to its end on the concurrency runtime and returns its result (the fuzzer's entry
/// point is synchronous).
func runBlocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.value = await work()
        done.signal()
    }
    done.wait()
    return box.value!
}

/// The result of ``runBlocking(_:)``, written by the task before it signals.
final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
