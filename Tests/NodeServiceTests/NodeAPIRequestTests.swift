import Hummingbird
import NIOCore
import Testing

@testable import NodeService

/// What the node API reads of a request, without a server: the query of `GET /messages` and the
/// body of `POST /broadcast` (the functions the router and `fuzz-request` call).
@Suite struct NodeAPIRequestTests {
    func request(_ path: String, body: ByteBuffer = ByteBuffer()) -> Request {
        Request(head: HTTPRequest(method: .get, scheme: nil, authority: nil, path: path), body: RequestBody(buffer: body))
    }

    @Test func theMessagesQueryReadsAfterAndFollow() throws {
        #expect(try MessagesQuery(request("/messages")) == MessagesQuery(after: 0, follow: false))
        #expect(try MessagesQuery(request("/messages?after=77&follow=true")) == MessagesQuery(after: 77, follow: true))
        #expect(try MessagesQuery(request("/messages?after=%31%32&follow=tru%65")) == MessagesQuery(after: 12, follow: true))
        #expect(try MessagesQuery(request("/messages?aft%65r=x&after=3&after=4")) == MessagesQuery(after: 3), "keys are not decoded; the first one counts")
        #expect(try MessagesQuery(request("/messages?follow=yes")).follow == false)
        for bad in ["abc", "-1", "1.5", "", "99999999999999999999"] {
            #expect(throws: RequestRefusal.self, "after=\(bad)") { try MessagesQuery(request("/messages?after=\(bad)")) }
            do {
                _ = try MessagesQuery(request("/messages?after=\(bad)"))
            } catch {
                #expect(error.status == .badRequest && error.message.contains("'after'") && error.message.contains("'\(bad)'"))
            }
        }
    }

    @Test func aBroadcastBodyIsThePayloadUpToTheLimit() async throws {
        #expect(try await BroadcastBody.payload(RequestBody(buffer: ByteBuffer(string: "hello"))) == Array("hello".utf8))
        #expect(try await BroadcastBody.payload(RequestBody(buffer: ByteBuffer(repeating: 1, count: 8)), limit: 8).count == 8)
        await #expect(throws: RequestRefusal(.contentTooLarge, "the payload is over the limit of 8 bytes a broadcast may carry")) {
            try await BroadcastBody.payload(RequestBody(buffer: ByteBuffer(repeating: 1, count: 9)), limit: 8)
        }
        await #expect(throws: RequestRefusal(.badRequest, "the body is the payload to broadcast and must not be empty")) {
            try await BroadcastBody.payload(RequestBody(buffer: ByteBuffer()))
        }
        await #expect(throws: RequestRefusal.self) {
            try await BroadcastBody.payload(RequestBody(buffer: ByteBuffer(repeating: 1, count: BroadcastBody.maxBytes + 1)))
        }
        #expect(NodeAPI.maxPayloadBytes == 1 << 20)
    }
}
