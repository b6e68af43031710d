import Foundation
import Testing

@testable import HeadNetwork

/// One node per persistence directory.
@Suite struct PersistenceLockTests {
    @Test func aSecondLockOnTheSameDirectoryIsRefusedUntilTheFirstIsReleased() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-lock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var first: PersistenceLock? = try PersistenceLock(directory: directory)
        #expect(first != nil)
        do {
            _ = try PersistenceLock(directory: directory)
            Issue.record("a second lock must be refused")
        } catch let error as HeadNetworkError {
            #expect(error.code == .persistence)
            #expect(error.message.contains("another node runs with \(directory.path) (pid \(getpid()))"), "\(error.message)")
        }
        first = nil
        #expect(throws: Never.self) { _ = try PersistenceLock(directory: directory) }
    }
}
