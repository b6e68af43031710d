import Foundation
import HeadNetwork
import Hummingbird
import HummingbirdTesting
import NodeAPIModel
import Testing

@testable import NodeService

/// `POST /broadcast` with an `Idempotency-Key`, through the router (no socket, no etcd: the
/// queue fills, nothing drains it).
extension NodeAPITests {
    static let keyField = HTTPFields.Element.Name("Idempotency-Key")!
    static let replayedField = HTTPFields.Element.Name("Idempotent-Replayed")!

    /// Headers with one `Idempotency-Key` per value.
    func keyed(_ key: String...) -> HTTPFields {
        HTTPFields(key.map { HTTPFields.Element(name: Self.keyField, value: $0) })
    }

    @Test func aRetryWithAnAcceptedKeyIsAnsweredAsTheFirstAndQueuesNothing() async throws {
        try await withNode { node in
            let app = Application(router: NodeAPI.router(for: node))
            try await app.test(.router) { client in
                try await client.execute(uri: "/broadcast", method: .post, headers: keyed("msg-1"), body: ByteBuffer(string: "one")) { response in
                    #expect(response.status == .accepted)
                    #expect(response.headers[Self.replayedField] == nil)
                    #expect(response.body.readableBytes == 0)
                }
                for _ in 0..<2 {
                    try await client.execute(uri: "/broadcast", method: .post, headers: keyed("msg-1"), body: ByteBuffer(string: "one")) { response in
                        #expect(response.status == .accepted)
                        #expect(response.headers[Self.replayedField] == "true")
                        #expect(response.body.readableBytes == 0)
                    }
                }
                // Another key, and no key, are new messages.
                try await client.execute(uri: "/broadcast", method: .post, headers: keyed("msg-2"), body: ByteBuffer(string: "one")) { response in
                    #expect(response.status == .accepted && response.headers[Self.replayedField] == nil)
                }
                try await client.execute(uri: "/broadcast", method: .post, body: ByteBuffer(string: "one")) { response in
                    #expect(response.status == .accepted && response.headers[Self.replayedField] == nil)
                }
                try await client.execute(uri: "/metrics", method: .get) { response in
                    let text = String(buffer: response.body)
                    #expect(text.contains("headnet_broadcast_idempotent_replays_total 2"), "\(text)")
                    #expect(text.contains("headnet_broadcasts_queued_total 3"), "\(text)")
                }
            }
            #expect(node.network.status.queueDepth == 3)
        }
    }

    @Test func concurrentRequestsWithOneKeyQueueOneMessage() async throws {
        try await withNode { node in
            let app = Application(router: NodeAPI.router(for: node))
            try await app.test(.router) { client in
                let answers = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                    for _ in 0..<6 {
                        group.addTask {
                            try await client.execute(uri: "/broadcast", method: .post, headers: keyed("same"), body: ByteBuffer(string: "x")) {
                                ($0.status, $0.headers[Self.replayedField])
                            }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(answers.allSatisfy { $0.0 == .accepted })
                #expect(answers.filter { $0.1 == nil }.count == 1, "one request queued the message, the others were told it was")
            }
            #expect(node.network.status.queueDepth == 1)
        }
    }

    /// A refused request (413, 400, 503) enqueued nothing and leaves no key: its retry is new.
    @Test func aRefusedRequestWithAKeyIsNotRemembered() async throws {
        try await withNode(queueCapacity: 2) { node in
            let app = Application(router: NodeAPI.router(for: node))
            try await app.test(.router) { client in
                let big = ByteBuffer(repeating: 0x61, count: NodeAPI.maxPayloadBytes + 1)
                try await client.execute(uri: "/broadcast", method: .post, headers: keyed("big"), body: big) { response in
                    #expect(response.status == .contentTooLarge)
                }
                try await client.execute(uri: "/broadcast", method: .post, headers: keyed("empty"), body: ByteBuffer()) { response in
                    #expect(response.status == .badRequest)
                }
                for key in ["big", "empty"] {
                    try await client.execute(uri: "/broadcast", method: .post, headers: keyed(key), body: ByteBuffer(string: key)) { response in
                        #expect(response.status == .accepted)
                        #expect(response.headers[Self.replayedField] == nil, "\(key) was remembered after a refusal")
                    }
                }
                // The queue is full now: a keyed request is refused each time, never replayed.
                for _ in 0..<2 {
                    try await client.execute(uri: "/broadcast", method: .post, headers: keyed("late"), body: ByteBuffer(string: "late")) { response in
                        #expect(response.status == .serviceUnavailable)
                    }
                }
                // An accepted key is answered 202 even now: nothing is queued for it.
                try await client.execute(uri: "/broadcast", method: .post, headers: keyed("big"), body: ByteBuffer(string: "big")) { response in
                    #expect(response.status == .accepted && response.headers[Self.replayedField] == "true")
                }
            }
            #expect(node.network.status.queueDepth == 2)
        }
    }

    @Test func aMalformedKeyIsABadRequestSayingWhatIsAllowed() async throws {
        try await withNode { node in
            let app = Application(router: NodeAPI.router(for: node))
            try await app.test(.router) { client in
                let bad: [(HTTPFields, String)] = [
                    (keyed(""), "empty"),
                    (keyed("two words"), "a space at byte 4"),
                    (keyed(String(repeating: "k", count: 256)), "256 characters"),
                    (keyed("caf\u{e9}"), "outside ASCII"),
                    (keyed("tab\there"), "a control character"),
                    (keyed("a", "b"), "2 Idempotency-Key headers"),
                ]
                for (headers, reason) in bad {
                    try await client.execute(uri: "/broadcast", method: .post, headers: headers, body: ByteBuffer(string: "x")) { response in
                        #expect(response.status == .badRequest, "\(reason)")
                        let text = String(buffer: response.body)
                        #expect(text.contains(reason), "\(text)")
                        if !reason.contains("headers") { #expect(text.contains(IdempotencyKey.rule), "\(text)") }
                    }
                }
                // The longest key, and every visible ASCII character, are fine.
                let printable = String((0x21...0x7E).map { Character(UnicodeScalar(UInt8($0))) })
                for key in [String(repeating: "k", count: 255), printable] {
                    try await client.execute(uri: "/broadcast", method: .post, headers: keyed(key), body: ByteBuffer(string: "x")) { response in
                        #expect(response.status == .accepted)
                    }
                }
            }
            #expect(node.network.status.queueDepth == 2)
        }
    }
}
