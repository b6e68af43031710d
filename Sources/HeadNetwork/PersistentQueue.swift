import Foundation

/// A bounded FIFO of encoded messages that survives crashes: one file per item in a directory,
/// named 1, 2, 3 …, written durably before the item is queued and removed after it was sent.
///
/// ``write(_:)`` suspends while the queue is full, ``peek()`` while it is empty. ``pop(_:)``
/// removes the head only when it is the given item, so a sender that pops what it sent can never
/// drop an item it has not sent.
public actor PersistentQueue {
    /// One queued item.
    public struct Item: Sendable, Hashable {
        /// Position in the queue's file numbering.
        public var index: UInt64
        /// The item's bytes (a message's encoding).
        public var bytes: [UInt8]
    }

    /// The directory holding the item files.
    public nonisolated let directory: URL
    /// How many items fit before ``write(_:)`` suspends.
    public nonisolated let capacity: Int
    private var items: [Item] = []
    private var nextIndex: UInt64
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    /// Writers whose file is being written (off the actor): they count against the capacity.
    private var writing = 0
    /// Whether a write holds the file-writing turn; writers take turns in arrival order, so
    /// items join the queue in index order.
    private var writeTurnTaken = false
    private var writeTurnWaiters: [CheckedContinuation<Void, Never>] = []

    /// Opens (creating it if needed) the queue in `directory` and loads every item file in
    /// numeric order. Capacity grows to the number of files found, if larger.
    ///
    /// - Parameter validate: checks each loaded item (e.g. that it decodes as a message).
    /// - Throws: ``HeadNetworkError`` `corruptFile` naming the file that fails `validate`.
    public init(directory: URL, capacity: Int = 100, validate: ([UInt8]) throws -> Void = { _ in }) throws {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw HeadNetworkError(.persistence, "cannot create \(directory.path)", cause: error)
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var loaded: [Item] = []
        for name in names {
            guard let index = UInt64(name) else {
                if name.hasSuffix(".tmp") { try? FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }
                continue
            }
            let file = directory.appendingPathComponent(name)
            let bytes = try DurableFile.read(file) ?? []
            do {
                try validate(bytes)
            } catch {
                throw HeadNetworkError(
                    .corruptFile,
                    "queued broadcast \(file.path) is corrupt. Delete it to drop that message, or move it away to keep it",
                    cause: error)
            }
            loaded.append(Item(index: index, bytes: bytes))
        }
        loaded.sort { $0.index < $1.index }
        self.items = loaded
        self.capacity = max(capacity, loaded.count)
        self.nextIndex = (loaded.last?.index ?? 0) + 1
    }

    /// Number of queued items.
    public var count: Int { items.count }

    /// Durably queues `bytes`, suspending while the queue is full. The file is written and
    /// fsynced on NIO's thread pool; concurrent writers take turns, so the queue's order is the
    /// order of the file names.
    @discardableResult
    public func write(_ bytes: [UInt8]) async throws -> Item {
        while items.count + writing >= capacity {
            try Task.checkCancellation()
            await waitForChange()
        }
        writing += 1
        await takeWriteTurn()
        defer {
            writing -= 1
            passWriteTurn()
            wakeAll()
        }
        let item = Item(index: nextIndex, bytes: bytes)
        try await DurableFile.write(bytes, to: directory.appendingPathComponent(String(item.index)))
        nextIndex += 1
        items.append(item)
        return item
    }

    private func takeWriteTurn() async {
        guard writeTurnTaken else {
            writeTurnTaken = true
            return
        }
        await withCheckedContinuation { writeTurnWaiters.append($0) }
    }

    private func passWriteTurn() {
        if writeTurnWaiters.isEmpty {
            writeTurnTaken = false
        } else {
            writeTurnWaiters.removeFirst().resume()
        }
    }

    /// The head item, suspending while the queue is empty.
    public func peek() async throws -> Item {
        while items.isEmpty {
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

    /// Removes the head if it is `item` (and deletes its file); otherwise does nothing.
    /// Returns whether it removed it.
    @discardableResult
    public func pop(_ item: Item) throws -> Bool {
        guard let head = items.first, head == item else { return false }
        items.removeFirst()
        let file = directory.appendingPathComponent(String(item.index))
        do {
            try FileManager.default.removeItem(at: file)
        } catch let error as CocoaError where error.code == .fileNoSuchFile {
            // Already gone.
        } catch {
            throw HeadNetworkError(.persistence, "cannot delete sent broadcast \(file.path)", cause: error)
        }
        wakeAll()
        return true
    }

    /// Pops each item of `batch` in order (stopping at the first that is not the head).
    public func pop(batch: [Item]) throws {
        for item in batch { guard try pop(item) else { return } }
    }

    private func waitForChange() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume()
                } else {
                    waiters[id] = continuation
                }
            }
        } onCancel: {
            Task { await self.wake(id) }
        }
    }

    private func wake(_ id: UUID) {
        waiters.removeValue(forKey: id)?.resume()
    }

    private func wakeAll() {
        let current = waiters
        waiters.removeAll()
        for continuation in current.values { continuation.resume() }
    }
}
