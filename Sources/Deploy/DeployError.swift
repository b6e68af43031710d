import HeadnetCore

/// The one error type of the `Deploy` module.
public typealias DeployError = ModuleError<DeployErrorCode>

/// What kind of failure a ``DeployError`` is.
public enum DeployErrorCode: String, Sendable {
    /// Certificates could not be made or written.
    case pki
    /// Files could not be written.
    case io
    /// A port is already in use.
    case portBusy
    /// Templates could not be found or parsed.
    case templates
}
