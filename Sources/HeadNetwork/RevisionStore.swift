import Foundation

/// The last-known revision of the `msg` watch, in `<persistence>/last-known-revision` as a bare
/// JSON number. Written after delivery (temp file, fsync, rename): a crash repeats messages, it
/// never loses them.
public struct RevisionStore: Sendable {
    /// The file holding the revision.
    public let file: URL

    /// A store in `directory` (the node's persistence directory).
    public init(directory: URL) {
        file = directory.appendingPathComponent("last-known-revision")
    }

    /// The stored revision; 0 when the file does not exist.
    ///
    /// - Throws: ``HeadNetworkError`` with code `corruptFile`, naming the file, when it holds
    ///   anything but a non-negative integer.
    public func load() throws -> Int64 {
        guard let bytes = try DurableFile.read(file) else { return 0 }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let revision = Int64(text), revision >= 0 else {
            throw HeadNetworkError(
                .corruptFile,
                "\(file.path) does not hold a revision (found \(text.prefix(40).debugDescription)). Delete \(file.path) to re-sync from the oldest revision etcd still has")
        }
        return revision
    }

    /// Durably stores `revision`.
    public func save(_ revision: Int64) async throws {
        try await DurableFile.write(Array(String(revision).utf8), to: file)
    }
}
