import Foundation
import HeadNetwork
import NodeAPIModel
import Hummingbird
import NIOCore

/// The node's HTTP API (DESIGN section 5).
enum NodeAPI {
    /// The most bytes a broadcast's payload may have (``BroadcastBody/maxBytes``, 1 MiB).
    static let maxPayloadBytes = BroadcastBody.maxBytes
    // HTTPTypes' HTTPField, which Hummingbird does not re-export (HTTPFields it does).
    static let idempotencyKeyField = HTTPFields.Element.Name(IdempotencyKey.header)!
    static let replayedField = HTTPFields.Element.Name(IdempotencyKey.replayedHeader)!

    static func router(for node: HeadNode) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("healthz") { _, _ in
            Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("readyz") { _, _ in
            let status = await node.status()
            let ready = status.network.isReady
            var reasons: [String] = []
            if !status.network.etcdReady { reasons.append("etcd not serving yet") }
            if !status.network.connected { reasons.append("not connected to a majority") }
            if status.network.versionMatches != true { reasons.append("protocol version not confirmed") }
            let text = ready ? "ready\n" : "not ready: \(reasons.joined(separator: ", "))\n"
            return Response(status: ready ? .ok : .serviceUnavailable, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("status") { _, _ in
            try json(await node.status())
        }
        router.get("metrics") { _, _ in
            _ = await node.status()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: node.metrics.render())))
        }
        router.post("broadcast") { request, _ in
            let payload: [UInt8]
            do {
                payload = try await BroadcastBody.payload(request.body)
            } catch let refusal as RequestRefusal {
                return refusal.response
            }
            let key: IdempotencyKey?
            switch BroadcastHeaders.idempotencyKey(request.headers[values: idempotencyKeyField]) {
            case .success(let value): key = value
            case .failure(let error): return text(.badRequest, error.message + "\n")
            }
            let offer: BroadcastOffer
            do {
                offer = try await node.broadcast(payload, idempotencyKey: key)
            } catch let error as HeadNetworkError {
                // Not queued durably (the disk failed): say so rather than a bare 500.
                return text(.internalServerError, error.description + "\n")
            }
            switch offer {
            case .queued: return Response(status: .accepted)
            case .replayed:
                // As the first answer was (a 202 without a body), saying that it is a replay.
                return Response(status: .accepted, headers: [replayedField: "true"])
            case .refused(let full):
                // At once, keeping nothing: the sender may retry without duplicating anything.
                var response = try json(full, status: .serviceUnavailable)
                response.headers[.retryAfter] = String(full.retryAfterSeconds)
                return response
            }
        }
        router.get("messages") { request, _ in
            let query: MessagesQuery
            do throws(RequestRefusal) {
                query = try MessagesQuery(request)
            } catch {
                return error.response
            }
            let (after, follow) = (query.after, query.follow)
            let journal = node.journal
            return Response(
                status: .ok, headers: [.contentType: "application/x-ndjson"],
                body: ResponseBody { writer in
                    // The journal's lines as they are on disk, a bounded chunk at a time.
                    var position = after
                    let changes = follow ? await journal.changes() : nil
                    var ticks = changes?.makeAsyncIterator()
                    while true {
                        let lines = try await journal.lines(after: position)
                        if !lines.indices.isEmpty {
                            try await writer.write(lines.bytes)
                            position = lines.indices.upperBound - 1
                            if !lines.reachEnd { continue }
                        }
                        // At the end: wait for the next append (an append made meanwhile has
                        // left a tick, so none is missed).
                        guard await ticks?.next() != nil else { break }
                    }
                    try await writer.finish(nil)
                })
        }
        return router
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        var data = try encoder.encode(value)
        data.append(0x0a)
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A plain-text response.
    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
