extension PersistentQueue {
    /// The head item, suspending while the queue is empty.
    public func peek() async throws -> Item {
        while items.isEmpty || syncFailure != nil {
            if let syncFailure { throw syncFailure }
            try Task.checkCancellation()
            await waitForChange()
        }
        return items[0]
    }

    /// The head item, or nil when empty.
    public func tryPeek() -> Item? { items.first }

    /// The first `count` items (fewer when the queue is shorter), without waiting.
    public func head(_ count: Int) -> [Item] { Array(items.prefix(count)) }

    /// The next batch from the head: at most `maxCount` items and `maxBytes` bytes, but always
    /// at least the head. Suspends while the queue is empty.
    public func peekBatch(maxCount: Int, maxBytes: Int) async throws -> [Item] {
        _ = try await peek()
        let count = BroadcastBatch.count(sizes: items.prefix(maxCount).map(\.bytes.count), maxMessages: maxCount, maxBytes: maxBytes)
        return Array(items.prefix(count))
    }
}
