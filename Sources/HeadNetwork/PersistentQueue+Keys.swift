extension PersistentQueue {
    /// Queues `bytes` unless the queue is full, as ``offer(_:onFirstRefusal:)``, or — when an item
    /// offered with the same idempotency `key` was accepted before and is still in the window —
    /// queues nothing and answers ``QueueAdmission/replayed(index:)`` with that item's index.
    ///
    /// An offer whose key is being offered already waits for that offer's outcome: accepted, it
    /// is replayed; refused (full queue) or failed, it is taken as new. A refused offer leaves no
    /// key behind, so a retry after a 503 is queued. Without a key this is
    /// ``offer(_:onFirstRefusal:)``.
    ///
    /// Crash safety, with no window: the key is written in the item's own log record
    /// (``QueueLogRecord/item(index:bytes:key:)``), so it is durable exactly when the item is —
    /// an answer of ``QueueAdmission/queued(_:)`` means both are. Once the item is popped its key
    /// is appended to the ``KeyArchive``, and the archive is fdatasynced before the log segment
    /// holding the item's record is deleted; on open, the window is rebuilt from the archive and
    /// then the log. The window holds the last keys accepted (`keyWindow` of the initializer, at
    /// least the queue's capacity), across restarts; deleting the queue's directory and the
    /// archive forgets them.
    ///
    /// - Parameter key: 1–255 bytes.
    /// - Throws: as ``offer(_:onFirstRefusal:)``; `CancellationError` when cancelled while
    ///   waiting for another offer of the same key.
    public func offer(_ bytes: [UInt8], key: [UInt8]?, onFirstRefusal: @escaping @Sendable () -> Void = {}) async throws -> QueueAdmission {
        guard let key else { return try await offer(bytes, onFirstRefusal: onFirstRefusal) }
        precondition((1...255).contains(key.count), "an idempotency key has 1 to 255 bytes")
        while true {
            switch idempotency.admit(key) {
            case .replay(let index):
                return .replayed(index: index)
            case .wait:
                try Task.checkCancellation()
                await waitForChange()
            case .proceed:
                let admission: QueueAdmission
                do {
                    admission = try await enqueue(bytes, key: key, whenFull: .refuse(onFirstRefusal: onFirstRefusal))
                } catch {
                    idempotency.release(key)
                    wakeAll()
                    throw error
                }
                if case .queued(let item) = admission {
                    idempotency.accept(key, index: item.index)
                } else {
                    idempotency.release(key)
                }
                wakeAll()
                return admission
            }
        }
    }

    /// The queue index of the item accepted with `key`, if the window holds it.
    public func acceptedIndex(forKey key: [UInt8]) -> UInt64? { idempotency.index(of: key) }
}
