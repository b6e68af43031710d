import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The broadcast queue's files: an append-only log of ``QueueLogRecord``s in segments
/// `log-1`, `log-2` … of the queue directory. Records are appended with write(2) (a killed
/// process loses none); ``SyncWork`` makes them durable with one fdatasync for all records
/// appended since the last (group commit). A segment is deleted once every item in it was sent.
///
/// Not thread-safe: ``PersistentQueue`` owns it; only ``SyncWork`` runs elsewhere.
struct QueueLog {
    /// A segment file.
    struct Segment: Sendable, Hashable {
        /// Its number (`log-<number>`).
        var number: UInt64
        /// The highest item index in it, nil when it holds no item.
        var highestItem: UInt64?
        /// Its size in bytes.
        var size: Int
    }

    /// Segments are rolled over past this size.
    static let segmentLimit = 4 << 20

    /// The queue directory.
    let directory: URL
    private(set) var segments: [Segment]
    private var active: Int32
    /// Descriptors of rolled-over segments, closed by the next sync after their last fdatasync.
    private var retired: [Int32] = []
    /// A segment was created (or deleted): the directory needs an fsync.
    private var directoryChanged = false

    /// Opens the log in `directory` (created if needed) and returns it with its records in
    /// order. A torn record at the end of the last segment (a write cut by a crash) is cut off.
    ///
    /// - Throws: ``HeadNetworkError`` `corruptFile` for a damaged record before the end.
    static func open(directory: URL) throws -> (QueueLog, [QueueLogRecord]) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw HeadNetworkError(.persistence, "cannot create \(directory.path)", cause: error)
        }
        var (segments, records, tornAt) = try read(directory: directory)
        if let tornAt, let last = segments.last {
            let file = url(of: last.number, in: directory)
            guard truncate(file.path, off_t(tornAt)) == 0 else { throw DurableFile.posixError("cannot cut the torn end of \(file.path)") }
            segments[segments.count - 1].size = tornAt
        }
        var directoryChanged = false
        if segments.isEmpty {
            segments = [Segment(number: 1, highestItem: nil, size: 0)]
            directoryChanged = true
        }
        let file = url(of: segments[segments.count - 1].number, in: directory)
        let fd = Glibc.open(file.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DurableFile.posixError("cannot open \(file.path)") }
        var log = QueueLog(directory: directory, segments: segments, active: fd)
        log.directoryChanged = directoryChanged
        return (log, records)
    }

    /// Reads every segment of `directory` without changing anything: the segments, their
    /// records, and where the last segment's torn tail starts (nil when it has none).
    static func read(directory: URL) throws -> (segments: [Segment], records: [QueueLogRecord], tornAt: Int?) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let numbers = names.compactMap { $0.hasPrefix("log-") ? UInt64($0.dropFirst(4)) : nil }.sorted()
        var segments: [Segment] = []
        var records: [QueueLogRecord] = []
        var tornAt: Int?
        for (position, number) in numbers.enumerated() {
            let file = url(of: number, in: directory)
            let bytes = try DurableFile.read(file) ?? []
            var segment = Segment(number: number, highestItem: nil, size: bytes.count)
            var offset = 0
            decoding: while let decoded = QueueLogRecord.decode(bytes, at: offset) {
                switch decoded {
                case .record(let record, let length):
                    if case .item(let index, _, _) = record { segment.highestItem = index }
                    records.append(record)
                    offset += length
                case .torn where position == numbers.count - 1:
                    tornAt = offset
                    break decoding
                case .torn, .unknown:
                    throw HeadNetworkError(
                        .corruptFile,
                        "the broadcast queue's log \(file.path) is damaged at byte \(offset). Move the directory \(directory.path) away "
                            + "to start with an empty queue (its unsent broadcasts are then not sent)")
                }
            }
            segments.append(segment)
        }
        return (segments, records, tornAt)
    }

    private init(directory: URL, segments: [Segment], active: Int32) {
        self.directory = directory
        self.segments = segments
        self.active = active
    }

    private static func url(of number: UInt64, in directory: URL) -> URL {
        directory.appendingPathComponent("log-\(number)")
    }

    /// Appends `record` to the active segment (rolling over to a new one past the limit).
    mutating func append(_ record: QueueLogRecord) throws {
        if segments[segments.count - 1].size >= Self.segmentLimit { try rollOver() }
        let bytes = record.encoded()
        do {
            try DurableFile.writeAll(bytes, to: active, "cannot append to the broadcast queue in \(directory.path)")
        } catch {
            // Cut a partial record off, so that later records do not follow a torn one.
            _ = ftruncate(active, off_t(segments[segments.count - 1].size))
            throw error
        }
        segments[segments.count - 1].size += bytes.count
        if case .item(let index, _, _) = record { segments[segments.count - 1].highestItem = index }
    }

    private mutating func rollOver() throws {
        let number = segments[segments.count - 1].number + 1
        let file = Self.url(of: number, in: directory)
        let fd = Glibc.open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DurableFile.posixError("cannot create \(file.path)") }
        retired.append(active)
        active = fd
        segments.append(Segment(number: number, highestItem: nil, size: 0))
        directoryChanged = true
    }

    /// Whether ``dropSegments(poppedThrough:)`` would delete a segment.
    func dropsSegments(poppedThrough: UInt64) -> Bool {
        segments.count > 1 && segments[0].highestItem.map({ $0 <= poppedThrough }) ?? true
    }

    /// Deletes the oldest segments (never the active one) whose items were all sent.
    mutating func dropSegments(poppedThrough: UInt64) {
        while dropsSegments(poppedThrough: poppedThrough) {
            unlink(Self.url(of: segments[0].number, in: directory).path)
            segments.removeFirst()
        }
    }

    /// What makes every record appended so far durable; run it with ``SyncWork/perform()``
    /// off the actor.
    mutating func takeSyncWork() -> SyncWork {
        defer {
            retired = []
            directoryChanged = false
        }
        return SyncWork(active: active, retired: retired, directory: directoryChanged ? directory.path : nil)
    }

    /// Closes the segment files (a pending ``SyncWork`` must have run).
    mutating func close() {
        for fd in retired { Glibc.close(fd) }
        retired = []
        Glibc.close(active)
        active = -1
    }

    /// fdatasyncs to run, off the concurrency pool.
    struct SyncWork: Sendable {
        let active: Int32
        let retired: [Int32]
        let directory: String?

        /// Blocks until the records are on disk; closes the retired descriptors.
        func perform() throws {
            for fd in retired {
                defer { Glibc.close(fd) }
                guard fdatasync(fd) == 0 else { throw DurableFile.posixError("cannot sync the broadcast queue") }
            }
            guard fdatasync(active) == 0 else { throw DurableFile.posixError("cannot sync the broadcast queue") }
            if let directory { try DurableFile.syncDirectory(URL(fileURLWithPath: directory)) }
        }
    }
}
