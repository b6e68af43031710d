import Foundation

/// The batch a node is sending: the mod revision its Txn is guarded by and its queue indices.
struct InFlightBatch: Codable, Hashable, Sendable {
    /// Our key's mod revision the batch's Txn compares against.
    var lastModRev: Int64
    /// Queue indices of the batch's messages, in order.
    var indices: [UInt64]
}

/// `<persistence>/broadcast-in-flight`: the batch being sent, written durably before the first
/// attempt and removed after the batch is popped.
struct InFlightMarker: Sendable {
    let file: URL

    func save(_ batch: InFlightBatch) async throws {
        try await DurableFile.write(Array(try JSONEncoder().encode(batch)), to: file)
    }

    /// The marker, nil when absent; an unreadable marker is an error naming the file.
    func load() throws -> InFlightBatch? {
        guard let bytes = try DurableFile.read(file) else { return nil }
        do {
            return try JSONDecoder().decode(InFlightBatch.self, from: Data(bytes))
        } catch {
            throw HeadNetworkError(
                .corruptFile,
                "\(file.path) is unreadable. Delete it; the queued broadcasts are then sent again, possibly repeating one batch",
                cause: error)
        }
    }

    func clear() throws {
        do {
            try FileManager.default.removeItem(at: file)
        } catch let error as CocoaError where error.code == .fileNoSuchFile {
            // Nothing in flight.
        } catch {
            throw HeadNetworkError(.persistence, "cannot delete \(file.path)", cause: error)
        }
    }
}
