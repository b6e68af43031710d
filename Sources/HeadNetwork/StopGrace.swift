/// Work that ends on its own once asked to stop (an etcd client's connections close when their
/// calls have ended), cancelled if it has not after a grace period.
enum StopGrace {
    /// Runs `work` until it ends. Once `stopping` finishes, `work` has `grace` to end on its own;
    /// then its task is cancelled. The grace period's timer is a child task, cancelled as soon as
    /// `work` ends, so nothing outlives the call.
    ///
    /// - Throws: `work`'s error when it fails before it is cut; nothing when it is cut.
    static func run(_ work: @escaping @Sendable () async throws -> Void, stopping: AsyncStream<Never>, grace: Duration) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await work() }
            group.addTask {
                for await _ in stopping {}
                try await Task.sleep(for: grace)
            }
            // The first to end: `work` (the timer is not needed any more), or the grace period
            // (`work` is cut).
            try await group.next()
            group.cancelAll()
        }
    }
}
