import Foundation

extension PersistentQueue {
    /// Moves item files of versions before the log and their in-flight marker (`legacyMarker`)
    /// into `log`, applying them to `state`, and deletes them.
    static func moveLegacyFiles(into log: inout QueueLog, state: inout QueueLogState, directory: URL, legacyMarker: URL?) throws {
        let legacy = try legacyItems(in: directory)
        let marker = try legacyMarker.flatMap { try InFlightMarker(file: $0).load() }
        guard !legacy.isEmpty || marker != nil else { return }
        for item in legacy where item.index > state.highestIndex {
            try log.append(.item(index: item.index, bytes: item.bytes))
            state.apply(.item(index: item.index, bytes: item.bytes))
        }
        if let marker, state.inFlight == nil {
            try log.append(.inFlight(marker))
            state.apply(.inFlight(marker))
        }
        try log.takeSyncWork().perform()
        for item in legacy { try? FileManager.default.removeItem(at: directory.appendingPathComponent(String(item.index))) }
        if let legacyMarker { try? InFlightMarker(file: legacyMarker).clear() }
    }

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
