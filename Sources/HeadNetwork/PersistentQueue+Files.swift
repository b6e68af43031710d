import Foundation

extension PersistentQueue {
    /// Item files of versions before the log (`<directory>/<index>`), in order.
    static func legacyItems(in directory: URL) throws -> [Item] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var items: [Item] = []
        for name in names {
            if name.hasSuffix(".tmp") { try? FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }
            guard let index = UInt64(name) else { continue }
            items.append(Item(index: index, bytes: try DurableFile.read(directory.appendingPathComponent(name)) ?? []))
        }
        return items.sorted { $0.index < $1.index }
    }

    /// How many broadcasts the queue in `directory` holds, read without changing anything
    /// (for a node that is not running).
    public static func storedCount(in directory: URL) throws -> Int {
        let state = QueueLogState(try QueueLog.read(directory: directory).records)
        return state.items.count + (try legacyItems(in: directory).filter { $0.index > state.highestIndex }.count)
    }
}
