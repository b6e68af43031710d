import HeadnetCore

/// The one error type of the `Bench` module: what failed, what to do, and the cause.
public typealias BenchError = ModuleError<BenchErrorCode>

/// What kind of failure a ``BenchError`` is.
public enum BenchErrorCode: String, Sendable {
    /// The bench's own devnet could not be written, started or stopped.
    case devnet
    /// An etcd call of the raw phase failed.
    case etcd
    /// A node's HTTP API refused a request or closed a connection.
    case node
    /// A message was not delivered on every node within the deadline.
    case undelivered
    /// A message was delivered twice on one node.
    case duplicate
    /// The run was interrupted (SIGINT) or cancelled.
    case cancelled
    /// The options do not make a run (e.g. fewer messages than senders).
    case options
}
