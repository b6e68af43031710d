import Dispatch
import Foundation
import HeadnetCore
import Synchronization

/// A bounded FIFO of encoded messages that survives crashes, kept in an append-only log
/// (``QueueLog``) in a directory.
///
/// ``write(_:onFull:)`` (or ``offer(_:onFirstRefusal:)``) appends the item's record at once (the sender sees it immediately) and returns
/// when the item is safe: when an fdatasync covering it finished — one for all items written
/// meanwhile (group commit) — or when it was sent and popped, whichever comes first: etcd
/// committed it on a majority's WAL then. The fdatasyncs run on ``runSyncLoop()`` while it runs
/// (the node runs it with its sender); otherwise a writer runs one on its own task and waits for
/// it even when its item is sent first. ``peek()`` suspends while the queue is empty.
/// ``pop(_:)`` removes the head only when it is the given item, so a sender that pops what it
/// sent can never drop an item it has not sent. The batch being sent is recorded in the log
/// too (``markInFlight(_:)``), so a restart can tell whether etcd committed it.
///
/// An item offered with an idempotency key (``offer(_:key:onFirstRefusal:)``) is remembered in
/// an ``IdempotencyWindow``: an offer with a key accepted before queues nothing. The key is in the
/// item's own log record, durable with it; when the item is popped the key goes to a
/// ``KeyArchive``, which is synced before a log segment is deleted: the last keys accepted are
/// known after any crash, with no gap.
///
/// Durability: a killed process loses nothing that `write` returned (the records are in the
/// kernel's page cache). A power loss loses nothing `write` returned either; it can repeat the
/// batch that was in flight, whose marker and pop are not fdatasynced on their own. A failed
/// fdatasync is final: the kernel may have dropped the pages it could not write, so the writers
/// it covered, every later write and ``peek()`` throw it, and the sender stops.
public actor PersistentQueue {
    /// One queued item.
    public struct Item: Sendable, Hashable {
        /// Position in the queue's numbering.
        public var index: UInt64
        /// The item's bytes (a message's encoding).
        public var bytes: [UInt8]
        /// The idempotency key it was offered with, if any.
        public var key: [UInt8]? = nil
    }

    /// How many idempotency keys a queue remembers by default: the last 100,000 accepted.
    public static let defaultKeyWindow = 100_000

    /// The directory holding the log.
    public nonisolated let directory: URL
    /// How many items fit before ``write(_:onFull:)`` suspends (and ``offer(_:onFirstRefusal:)`` refuses).
    public nonisolated let capacity: Int
    private(set) var items: [Item]
    /// When each of `items` was queued (items loaded from disk: when the queue opened).
    private var arrivals: [ContinuousClock.Instant]
    private nonisolated let loadValue: Mutex<QueueLoad>
    /// Whether the last offer was refused, so a full queue is reported once per episode.
    private var refusing = false
    /// The idempotency keys remembered, and those whose offer is under way.
    var idempotency: IdempotencyWindow<[UInt8]>
    /// The keys of popped items.
    private var archive: KeyArchive
    private var nextIndex: UInt64
    private var poppedThrough: UInt64
    private var log: QueueLog
    /// The batch being sent, as last recorded (loaded from the log on start).
    private(set) var inFlight: InFlightBatch?
    /// Tasks waiting for a change (room, an item), in a lock so that a cancelled one is woken
    /// at once, without a task.
    nonisolated let waiters = LockedValue(Waiters())
    // Group commit: records appended and records known durable, counted.
    private var appended: UInt64 = 0
    private var synced: UInt64 = 0
    /// Who runs the fdatasyncs while records wait for one.
    private var syncDriver = SyncDriver.none
    /// Wakes ``runSyncLoop()`` while it runs.
    private var syncLoop: AsyncStream<Void>.Continuation?
    private var writers: [UInt64: Writer] = [:]
    private(set) var syncFailure: HeadNetworkError?
    private nonisolated let syncQueue = DispatchQueue(label: "headnet.broadcast-queue.sync")
    private nonisolated let performSync: @Sendable (QueueLog.SyncWork) throws -> Void

    private struct Writer {
        var record: UInt64
        /// Resumed with true when the writer is to run the next sync itself (``leadSyncs()``).
        var continuation: CheckedContinuation<Bool, any Error>
    }

    /// Who runs the group commit's fdatasyncs.
    private enum SyncDriver {
        /// Nobody: every record is synced, or the next write starts a sync.
        case none
        /// ``runSyncLoop()``.
        case loop
        /// A writer, on its own task (no sync loop ran when it was handed the syncs).
        case writer
    }

    /// Opens (creating it if needed) the queue in `directory`. Capacity grows to the number of
    /// items found, if larger. Item files of earlier versions (`1`, `2` …) and their in-flight
    /// marker (`legacyMarker`) are moved into the log.
    ///
    /// - Parameters:
    ///   - keyArchive: the directory of the ``KeyArchive`` (default: `idempotency-keys` in
    ///     `directory`); created when the first keyed item is popped.
    ///   - keyWindow: how many idempotency keys to remember (at least `capacity`).
    ///   - validate: checks each loaded item (e.g. that it decodes as a message).
    /// - Throws: ``HeadNetworkError`` `corruptFile` naming what fails `validate` or is damaged.
    public init(
        directory: URL, capacity: Int = 100, legacyMarker: URL? = nil, keyArchive: URL? = nil, keyWindow: Int = defaultKeyWindow,
        validate: ([UInt8]) throws -> Void = { _ in }
    ) throws {
        try self.init(
            directory: directory, capacity: capacity, legacyMarker: legacyMarker, keyArchive: keyArchive, keyWindow: keyWindow,
            validate: validate, performSync: { try $0.perform() })
    }

    /// As the public initializer, with the group commit's fdatasyncs run by `performSync`
    /// (tests make them fail).
    init(
        directory: URL, capacity: Int, legacyMarker: URL?, keyArchive: URL? = nil, keyWindow: Int = defaultKeyWindow,
        validate: ([UInt8]) throws -> Void, performSync: @escaping @Sendable (QueueLog.SyncWork) throws -> Void
    ) throws {
        self.directory = directory
        self.performSync = performSync
        var (log, records) = try QueueLog.open(directory: directory)
        var state = QueueLogState(records)
        try Self.moveLegacyFiles(into: &log, state: &state, directory: directory, legacyMarker: legacyMarker)
        for item in state.items {
            do {
                try validate(item.bytes)
            } catch {
                throw HeadNetworkError(
                    .corruptFile,
                    "queued broadcast #\(item.index) in \(directory.path) does not decode. Move the directory away to drop the queued broadcasts",
                    cause: error)
            }
        }
        self.log = log
        self.items = state.items
        let opened = ContinuousClock.now
        self.arrivals = Array(repeating: opened, count: state.items.count)
        self.poppedThrough = state.poppedThrough
        self.inFlight = state.inFlight
        self.capacity = max(capacity, state.items.count)
        self.loadValue = Mutex(QueueLoad(depth: state.items.count, capacity: self.capacity, oldestQueuedAt: arrivals.first))
        self.nextIndex = state.highestIndex + 1
        // The keys of the archive (sent items) and of the log (sent or not; a sent one may be in
        // both), oldest first.
        let size = max(keyWindow, self.capacity)
        let (archive, archived) = try KeyArchive.open(
            directory: keyArchive ?? directory.appendingPathComponent(NodeStateFiles.idempotencyKeys), keysPerFile: size)
        var window = IdempotencyWindow<[UInt8]>(capacity: size)
        for entry in (archived + state.keys).sorted(by: { $0.index < $1.index }) { window.remember(entry.key, index: entry.index) }
        self.archive = archive
        self.idempotency = window
    }

    deinit {
        log.close()
        archive.close()
    }

    /// Number of queued items.
    public var count: Int { items.count }

    /// Depth, capacity and the oldest item's arrival, readable without waiting for the queue.
    public nonisolated var load: QueueLoad { loadValue.withLock { $0 } }

    /// Queues `bytes`, suspending while the queue is full (`onFull` runs, on the queue, before
    /// the wait); returns once the item is durable on disk or was sent, whichever is first.
    ///
    /// - Throws: the failed fdatasync that covered the item, or an earlier one (``HeadNetworkError``
    ///   `persistence`); `CancellationError` while waiting for room.
    @discardableResult
    public func write(_ bytes: [UInt8], onFull: @escaping @Sendable () -> Void = {}) async throws -> Item {
        let admission = try await enqueue(bytes, key: nil, whenFull: .wait(onFull: onFull))
        guard case .queued(let item) = admission else { preconditionFailure("a write waits for room; it is never refused") }
        return item
    }

    /// Queues `bytes` unless the queue is full, without waiting for room: a full queue answers
    /// ``QueueAdmission/full(_:)`` at once and keeps nothing (`onFirstRefusal` runs when the
    /// offer before was accepted: once per episode of refusals). Returns as ``write(_:onFull:)``
    /// does.
    ///
    /// - Throws: the failed fdatasync that covered the item, or an earlier one (``HeadNetworkError``
    ///   `persistence`).
    public func offer(_ bytes: [UInt8], onFirstRefusal: @escaping @Sendable () -> Void = {}) async throws -> QueueAdmission {
        try await enqueue(bytes, key: nil, whenFull: .refuse(onFirstRefusal: onFirstRefusal))
    }

    /// What ``enqueue(_:whenFull:)`` does with a full queue.
    enum FullBehavior {
        /// Wait for room (calling the closure, on the queue, before the wait).
        case wait(onFull: @Sendable () -> Void)
        /// Answer ``QueueAdmission/full(_:)`` (calling the closure when the previous offer was
        /// accepted: once per episode of refusals).
        case refuse(onFirstRefusal: @Sendable () -> Void)
    }

    /// ``write(_:onFull:)`` or ``offer(_:onFirstRefusal:)``; `key` goes into the item's record.
    func enqueue(_ bytes: [UInt8], key: [UInt8]? = nil, whenFull behavior: FullBehavior) async throws -> QueueAdmission {
        if let syncFailure { throw syncFailure }
        if items.count >= capacity {
            switch behavior {
            case .refuse(let onFirstRefusal):
                if !refusing { onFirstRefusal() }
                refusing = true
                return .full(load)
            case .wait(let onFull):
                onFull()
                while items.count >= capacity {
                    try Task.checkCancellation()
                    await waitForChange()
                    if let syncFailure { throw syncFailure }
                }
            }
        }
        refusing = false
        let item = Item(index: nextIndex, bytes: bytes, key: key)
        try log.append(.item(index: item.index, bytes: bytes, key: key))
        nextIndex += 1
        appended += 1
        items.append(item)
        arrivals.append(.now)
        publishLoad()
        wakeAll()
        let record = appended
        var leads = requestSync()
        if !leads, synced < record, item.index > poppedThrough {
            leads = try await withCheckedThrowingContinuation { writers[item.index] = Writer(record: record, continuation: $0) }
        }
        if leads { try await leadSyncs() }
        return .queued(item)
    }

    private func publishLoad() {
        let load = QueueLoad(depth: items.count, capacity: capacity, oldestQueuedAt: arrivals.first)
        loadValue.withLock { $0 = load }
    }

    /// Sees to it that a sync covers the record just appended. With one under way nothing: one
    /// follows it for the records appended meanwhile. Otherwise it wakes the sync loop or, with
    /// none running, returns true: the writer runs the sync on its own task (``leadSyncs()``).
    private func requestSync() -> Bool {
        guard syncDriver == .none else { return false }
        if let syncLoop {
            syncDriver = .loop
            syncLoop.yield()
            return false
        }
        syncDriver = .writer
        return true
    }

    /// Whether ``runSyncLoop()`` runs.
    var runsSyncLoop: Bool { syncLoop != nil }

    /// Runs the group commit's fdatasyncs until cancelled (``EtcdNetwork/run()`` does, while its
    /// sender pops): woken by a write that finds no sync running, one fdatasync after another
    /// while records are appended; each resumes the writers it covers, and a writer whose item
    /// was sent first has returned already. Cancelled, it stops after the fdatasync under way;
    /// the first writer still waiting runs the next one (as when no loop runs: ``leadSyncs()``).
    /// One at a time: a second call returns at once.
    func runSyncLoop() async {
        guard syncLoop == nil else { return }
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        syncLoop = wake
        // A writer's sync under way hands the records appended meanwhile to the loop.
        for await _ in wakeups {
            while syncDriver == .loop, !Task.isCancelled {
                await syncOnce()
                if synced >= appended || syncFailure != nil { syncDriver = .none }
            }
        }
        syncLoop = nil
        wake.finish()
        guard syncDriver == .loop else { return }
        // Stopped with records to sync: the first writer waiting syncs them; with none waiting
        // (their items were sent) the next write's sync covers them.
        syncDriver = .none
        if synced < appended, syncFailure == nil { _ = handToWriter() }
    }

    /// A writer's own sync, when no sync loop runs: one fdatasync covering its record and every
    /// one appended before it started. The records appended meanwhile go to the sync loop if one
    /// started, else to the first writer waiting; with none waiting (their items were sent) this
    /// writer syncs them too, as the loop would. Its own write succeeds or fails with its sync.
    private func leadSyncs() async throws {
        await Task.yield()  // as a task of its own would: writes waiting for the queue share this sync
        let own = await syncOnce()
        while !passOn() { await syncOnce() }
        try own.get()
    }

    /// After a writer's sync: true when that writer is done — nothing is left to sync (or a sync
    /// failed), or the sync loop or the first writer waiting takes the rest; false when nobody does.
    private func passOn() -> Bool {
        guard synced < appended, syncFailure == nil else {
            syncDriver = .none
            return true
        }
        if let syncLoop {
            syncDriver = .loop
            syncLoop.yield()
            return true
        }
        return handToWriter()
    }

    /// Hands the next sync to the first writer waiting, which runs it on its own task; false
    /// when none waits.
    private func handToWriter() -> Bool {
        guard let next = writers.min(by: { $0.value.record < $1.value.record }) else { return false }
        writers.removeValue(forKey: next.key)
        syncDriver = .writer
        next.value.continuation.resume(returning: true)
        return true
    }

    /// One fdatasync covering every record appended so far; resumes the writers it covers. The
    /// first that fails is final (see the type's durability note): it fails every writer
    /// waiting, and no sync runs after it. Returns its outcome.
    @discardableResult
    private func syncOnce() async -> Result<Void, HeadNetworkError> {
        if let syncFailure { return .failure(syncFailure) }
        let target = appended
        let work = log.takeSyncWork()
        let result: Result<Void, HeadNetworkError>
        do {
            try await BlockingWork.run(on: syncQueue) { [performSync] in try performSync(work) }
            result = .success(())
        } catch {
            let failure = HeadNetworkError(
                .persistence,
                "the broadcast queue in \(directory.path) could not be synced to disk; the node stops: check the disk, then start it again "
                    + "(broadcasts answered with this error may still be sent)",
                cause: error)
            syncFailure = failure
            result = .failure(failure)
            wakeAll()
        }
        synced = target
        // After a failure no sync follows: the writers of records appended meanwhile fail too.
        for (index, writer) in writers where writer.record <= target || syncFailure != nil {
            writers.removeValue(forKey: index)
            writer.continuation.resume(with: result.map { false })
        }
        return result
    }

    /// Records `batch` as the batch being sent (before its Txn goes out).
    func markInFlight(_ batch: InFlightBatch) throws {
        try log.append(.inFlight(batch))
        inFlight = batch
    }

    /// Forgets the batch in flight.
    func clearInFlight() throws {
        guard inFlight != nil else { return }
        try log.append(.inFlightCleared)
        inFlight = nil
    }

    /// Removes the head if it is `item`; otherwise does nothing. Returns whether it removed it.
    @discardableResult
    public func pop(_ item: Item) throws -> Bool {
        try pop(batch: [item]) == 1
    }

    /// Pops the items of `batch` that are, in order, at the head (stopping at the first that is
    /// not); they count as sent, and their writers return. Returns how many it popped. Their
    /// idempotency keys go to the key archive, which is synced before a log segment (holding
    /// their records) is deleted.
    ///
    /// - Throws: ``HeadNetworkError`` `persistence` when the log or the archive cannot be
    ///   written (nothing is popped then), or the archive cannot be synced: the items are popped
    ///   then, and the segments kept.
    @discardableResult
    public func pop(batch: [Item]) throws -> Int {
        let count = zip(batch, items).prefix { $0 == $1 }.count
        guard count > 0 else { return 0 }
        let through = items[count - 1].index
        try archive.append(items.prefix(count).compactMap { item in item.key.map { KeyArchive.Entry(key: $0, index: item.index) } })
        try log.append(.popped(through: through))
        items.removeFirst(count)
        arrivals.removeFirst(count)
        publishLoad()
        poppedThrough = through
        if let batch = inFlight, batch.indices.allSatisfy({ $0 <= through }) { inFlight = nil }
        for (index, writer) in writers where index <= through {
            writers.removeValue(forKey: index)
            writer.continuation.resume(returning: false)
        }
        defer { wakeAll() }
        // (Checked after the append, which may have started a segment.)
        if log.dropsSegments(poppedThrough: through) {
            try archive.sync()
            log.dropSegments(poppedThrough: through)
        }
        return count
    }
}
