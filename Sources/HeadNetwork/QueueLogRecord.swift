/// One record of the broadcast queue's log (``QueueLog``), framed so that a torn tail is found:
/// a type byte, the payload's length (UInt32, little-endian), the payload, and a CRC-32 of the
/// three before it (UInt32, little-endian).
///
/// The queue's state is the replay of its records: items are added, `popped` drops every item
/// up to an index, `inFlight` records the batch being sent (what ``InFlightBatch`` was as a file
/// of its own), `inFlightCleared` forgets it.
///
/// An item offered with an idempotency key carries it in its own record (type 5 instead of 1),
/// so the key is durable exactly when the message is: a torn record loses both, an intact one
/// keeps both.
enum QueueLogRecord: Sendable, Hashable {
    /// A queued message with its index, and the idempotency key it was offered with (1–255 bytes).
    case item(index: UInt64, bytes: [UInt8], key: [UInt8]? = nil)
    /// Every item with an index up to `through` was sent (and the batch in flight with it).
    case popped(through: UInt64)
    /// The batch being sent: written before its Txn is.
    case inFlight(InFlightBatch)
    /// No batch is in flight.
    case inFlightCleared

    /// Bytes of framing around a payload: type, length, CRC.
    static let overhead = 1 + 4 + 4

    private var type: UInt8 {
        switch self {
        case .item(_, _, .none): 1
        case .item: 5
        case .popped: 2
        case .inFlight: 3
        case .inFlightCleared: 4
        }
    }

    /// The framed record.
    func encoded() -> [UInt8] {
        var payload: [UInt8] = []
        switch self {
        case .item(let index, let bytes, let key):
            payload.reserveCapacity(8 + 1 + (key?.count ?? 0) + bytes.count)
            payload.appendLittleEndian(index)
            if let key {
                precondition((1...255).contains(key.count), "an idempotency key has 1 to 255 bytes")
                payload.append(UInt8(key.count))
                payload.append(contentsOf: key)
            }
            payload.append(contentsOf: bytes)
        case .popped(let through):
            payload.appendLittleEndian(through)
        case .inFlight(let batch):
            payload.appendLittleEndian(UInt64(bitPattern: batch.lastModRev))
            for index in batch.indices { payload.appendLittleEndian(index) }
        case .inFlightCleared:
            break
        }
        var record: [UInt8] = [type]
        record.reserveCapacity(Self.overhead + payload.count)
        record.appendLittleEndian(UInt32(payload.count))
        record.append(contentsOf: payload)
        record.appendLittleEndian(CRC32.checksum(record))
        return record
    }

    /// What decoding found at an offset.
    enum Decoded: Equatable {
        /// A whole, intact record and the bytes it took.
        case record(QueueLogRecord, length: Int)
        /// The bytes end inside a record, or its checksum does not match: a torn write.
        case torn
        /// An intact record of a type (first byte) this version does not know.
        case unknown(type: UInt8)
    }

    /// Decodes the record starting at `offset` of `bytes`; nil at the end of the bytes.
    static func decode(_ bytes: [UInt8], at offset: Int) -> Decoded? {
        guard offset < bytes.count else { return nil }
        guard bytes.count - offset >= overhead else { return .torn }
        let length = Int(bytes.littleEndianUInt32(at: offset + 1))
        let end = offset + 5 + length
        guard length <= bytes.count, end + 4 <= bytes.count else { return .torn }
        guard CRC32.checksum(bytes[offset..<end]) == bytes.littleEndianUInt32(at: end) else { return .torn }
        let payload = offset + 5
        let record: QueueLogRecord
        switch bytes[offset] {
        case 1 where length >= 8:
            record = .item(index: bytes.littleEndianUInt64(at: payload), bytes: Array(bytes[(payload + 8)..<end]))
        case 2 where length == 8:
            record = .popped(through: bytes.littleEndianUInt64(at: payload))
        case 3 where length >= 8 && length % 8 == 0:
            let indices = stride(from: payload + 8, to: end, by: 8).map { bytes.littleEndianUInt64(at: $0) }
            record = .inFlight(InFlightBatch(lastModRev: Int64(bitPattern: bytes.littleEndianUInt64(at: payload)), indices: indices))
        case 4 where length == 0:
            record = .inFlightCleared
        case 5 where length >= 9 && bytes[payload + 8] > 0 && length >= 9 + Int(bytes[payload + 8]):
            let keyEnd = payload + 9 + Int(bytes[payload + 8])
            record = .item(
                index: bytes.littleEndianUInt64(at: payload), bytes: Array(bytes[keyEnd..<end]), key: Array(bytes[(payload + 9)..<keyEnd]))
        default:
            return .unknown(type: bytes[offset])
        }
        return .record(record, length: end + 4 - offset)
    }
}

/// CRC-32 (IEEE 802.3, the one of zlib and gzip).
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { byte in
        var crc = UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        return crc
    }

    /// The checksum of `bytes`.
    static func checksum<Bytes: Collection>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

extension [UInt8] {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    func littleEndianUInt32(at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[offset + $1]) << (8 * $1) }
    }

    func littleEndianUInt64(at offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(self[offset + $1]) << (8 * $1) }
    }
}
