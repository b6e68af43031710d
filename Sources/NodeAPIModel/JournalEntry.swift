import Foundation

/// One journaled message.
public struct JournalEntry: Codable, Sendable, Hashable {
    /// 1-based position in the journal.
    public var index: Int
    /// etcd revision of the put that carried the message.
    public var revision: Int64
    /// Position inside that put's batch.
    public var batchIndex: Int
    /// The sender's advertised `host:port`.
    public var sender: String
    /// The payload, base64.
    public var payload: String

    /// The payload bytes.
    public var payloadBytes: [UInt8] { Data(base64Encoded: payload).map { [UInt8]($0) } ?? [] }

    /// The number of payload bytes (from the base64 length, without decoding).
    public var payloadByteCount: Int {
        let padding = payload.utf8.reversed().prefix(2).prefix { $0 == UInt8(ascii: "=") }.count
        return max(payload.utf8.count / 4 * 3 - padding, 0)
    }

    /// Creates an entry.
    public init(index: Int, revision: Int64, batchIndex: Int, sender: String, payload: String) {
        self.index = index
        self.revision = revision
        self.batchIndex = batchIndex
        self.sender = sender
        self.payload = payload
    }
}
