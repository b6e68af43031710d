import HeadnetCore

/// Polls `condition` every 50 ms until it holds; throws ``EtcdTestingError`` `notReady` naming
/// `what` when `timeout` passes first. The one bounded wait the test suites share.
public func eventually(
    _ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool
) async throws {
    guard try await Polling.poll(every: .milliseconds(50), within: timeout, { try await condition() ? true : nil }) != nil else {
        throw EtcdTestingError(.notReady, "timed out after \(timeout) waiting for \(what)")
    }
}
