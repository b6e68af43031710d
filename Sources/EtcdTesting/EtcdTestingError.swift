import HeadnetCore

/// The one error type of `EtcdTesting`: what failed, what to do, and the underlying cause.
public typealias EtcdTestingError = ModuleError<EtcdTestingErrorCode>

/// What kind of failure an ``EtcdTestingError`` is.
public enum EtcdTestingErrorCode: String, Sendable {
    /// The etcd binary could not be found or started.
    case binaryMissing
    /// A member did not become ready before its deadline, or exited while starting.
    case notReady
    /// A free port could not be found.
    case noFreePort
    /// A file or directory operation failed.
    case io
    /// A member index was out of range.
    case noSuchMember
}
