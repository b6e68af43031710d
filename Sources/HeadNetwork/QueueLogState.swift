/// The broadcast queue as its log's records say it is: the replay of ``QueueLogRecord``s,
/// free of I/O.
struct QueueLogState: Sendable, Hashable {
    /// Queued items in index order.
    private(set) var items: [PersistentQueue.Item] = []
    /// Every item up to this index was sent.
    private(set) var poppedThrough: UInt64 = 0
    /// The batch in flight, if the log's last word on it was ``QueueLogRecord/inFlight(_:)``.
    private(set) var inFlight: InFlightBatch?
    /// The highest index any record named.
    private(set) var highestIndex: UInt64 = 0
    /// The idempotency keys of every item record, sent or not, in order.
    private(set) var keys: [KeyArchive.Entry] = []

    /// The state after `records`.
    init(_ records: some Sequence<QueueLogRecord> = []) {
        for record in records { apply(record) }
    }

    /// Applies one record.
    mutating func apply(_ record: QueueLogRecord) {
        switch record {
        case .item(let index, let bytes, let key):
            highestIndex = max(highestIndex, index)
            if let key { keys.append(KeyArchive.Entry(key: key, index: index)) }
            guard index > poppedThrough else { return }
            items.append(PersistentQueue.Item(index: index, bytes: bytes, key: key))
        case .popped(let through):
            highestIndex = max(highestIndex, through)
            poppedThrough = max(poppedThrough, through)
            let sent = items.prefix { $0.index <= through }.count
            items.removeFirst(sent)
            if let batch = inFlight, batch.indices.allSatisfy({ $0 <= through }) { inFlight = nil }
        case .inFlight(let batch):
            inFlight = batch
        case .inFlightCleared:
            inFlight = nil
        }
    }
}
