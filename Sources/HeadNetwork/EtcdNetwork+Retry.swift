import EtcdClient

extension EtcdNetwork {
    /// Runs `body` until it returns. A transient etcd error (``EtcdClient/EtcdError/isTransient``)
    /// or a lease not found is handed to `onRetry` with its reason, and
    /// `body` runs again after a second, as Hydra does; any other error (or our own
    /// cancellation) ends the loop, named after `operation`.
    func retrying<Result>(
        _ operation: String, onRetry: (String) async -> Void, _ body: () async throws -> Result
    ) async throws -> Result {
        while true {
            do {
                return try await body()
            } catch {
                guard let reason = Self.retryable(error) else { throw annotate(error, operation) }
                await onRetry(reason)
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// The reason text when `error` is one the component retries — a transient one
    /// (``EtcdClient/EtcdError/isTransient``), or our lease gone (connectivity grants a new one)
    /// — nil when it must stop the node.
    static func retryable(_ error: any Error) -> String? {
        guard !Task.isCancelled, let etcdError = error as? EtcdError, etcdError.isTransient || etcdError.code == .leaseNotFound else { return nil }
        return etcdError.description
    }

    /// Adds the operation's name to a fatal error.
    func annotate(_ error: any Error, _ operation: String) -> any Error {
        if var known = error as? HeadNetworkError {
            known.operation = known.operation ?? operation
            return known
        }
        if error is CancellationError { return error }
        return HeadNetworkError(.etcd, "etcd failed in a way the node cannot recover from; restart the node", operation: operation, cause: error)
    }

    /// Carries out what a state machine decided: trace entries and events.
    func perform(_ actions: [ComponentAction]) async {
        for action in actions {
            switch action {
            case .trace(let entry): tracer(entry)
            case .emit(let event): await emit(event)
            }
        }
    }
}
