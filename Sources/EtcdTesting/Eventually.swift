/// Polls `condition` every 50 ms until it holds; throws ``EtcdTestingError`` `notReady` naming
/// `what` when `timeout` passes first. The one bounded wait the test suites share.
public func eventually(
    _ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
        if try await condition() { return }
        guard clock.now < deadline else {
            throw EtcdTestingError(.notReady, "timed out after \(timeout) waiting for \(what)")
        }
        try await Task.sleep(for: .milliseconds(50))
    }
}
