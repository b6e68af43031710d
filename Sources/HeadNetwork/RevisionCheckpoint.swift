import Synchronization

/// The last-known revision, written behind the application's own durability: for an
/// application that hands its delivered messages to the page cache and makes them durable
/// later (the node's journal), so that no revision on disk is ever ahead of what the
/// application has on disk.
///
/// ``note(_:)`` keeps a delivered revision in memory. ``run()`` writes it every
/// ``RevisionStore/syncDelay`` at most: first the application's `barrier` (its fdatasync, which
/// covers every message delivered before the revision was noted), then the revision file,
/// fdatasynced. ``flush()`` does the same at once (on shutdown). So a crash of the process or a
/// power loss leaves the file at most one delay (plus the syncs) behind: those messages are
/// delivered again and the application drops them as repeats. Two fdatasyncs per delay in
/// all, instead of one for the application per watch response.
final class RevisionCheckpoint: Sendable {
    private struct State {
        /// The latest delivered revision.
        var noted: Int64?
        /// The latest revision written and synced.
        var written: Int64?
        /// A failed checkpoint: ``note(_:)`` throws it from then on.
        var failure: HeadNetworkError?
    }

    /// The revision file.
    let store: RevisionStore
    private let barrier: @Sendable () async throws -> Void
    private let delay: Duration
    private let state = Mutex(State())
    private let signal: AsyncStream<Void>.Continuation
    private let signals: AsyncStream<Void>

    /// A checkpoint of `store` behind `barrier`, written at most every `delay`.
    init(store: RevisionStore, delay: Duration = RevisionStore.syncDelay, barrier: @escaping @Sendable () async throws -> Void) {
        self.store = store
        self.barrier = barrier
        self.delay = delay
        (signals, signal) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The latest revision noted, else the one in the file.
    func current() throws -> Int64 {
        if let noted = state.withLock({ $0.noted }) { return noted }
        return try store.load()
    }

    /// Notes `revision` as delivered (in memory; ``run()`` writes it).
    ///
    /// - Throws: the error of a checkpoint that failed: the node must stop.
    func note(_ revision: Int64) throws {
        let failure = state.withLock { state -> HeadNetworkError? in
            guard state.failure == nil else { return state.failure }
            state.noted = revision
            return nil
        }
        if let failure { throw failure }
        signal.yield()
    }

    /// Writes the noted revision at most every delay until cancelled.
    ///
    /// - Throws: ``HeadNetworkError`` `persistence` when the barrier or the file fails.
    func run() async throws {
        for await _ in signals {
            try await Task.sleep(for: delay)
            try await flush()
        }
    }

    /// Writes the noted revision now, behind the barrier, unless it is written already. Not
    /// to be called while ``run()`` runs (its checkpoints would race this one).
    ///
    /// - Throws: ``HeadNetworkError`` `persistence` when the barrier or the file fails.
    func flush() async throws {
        guard let revision = state.withLock({ $0.written == $0.noted ? nil : $0.noted }) else { return }
        do {
            try await barrier()
        } catch {
            throw failed(HeadNetworkError(
                .persistence, "the node could not make its delivered messages durable; it stops: fix the cause (the disk?) and start it again",
                cause: error))
        }
        do {
            try await store.saveDurably(revision)
        } catch {
            throw failed(HeadNetworkError(.persistence, "cannot write \(store.file.path); check the disk", cause: error))
        }
        state.withLock { $0.written = revision }
    }

    private func failed(_ error: HeadNetworkError) -> HeadNetworkError {
        state.withLock { $0.failure = $0.failure ?? error }
        return error
    }
}
