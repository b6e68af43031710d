import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The idempotency keys of broadcasts that left the queue: files `keys-1`, `keys-2` … in a
/// directory of their own (``HeadnetCore/NodeStateFiles/idempotencyKeys`` for a node), each an
/// append-only run of ``Entry`` records. A file takes `keysPerFile` keys; the next key starts a
/// new file and the one before the full file is deleted, so the two newest files hold at least the
/// last `keysPerFile` keys archived (the window) and at most twice as many.
///
/// Nothing is created before the first key is archived. Appends are write(2)s that a killed
/// process does not lose; ``sync()`` makes them durable.
/// ``PersistentQueue`` archives the keys of the items it pops and syncs the archive before it
/// deletes a log segment, whose records held those keys until then.
///
/// Not thread-safe: ``PersistentQueue`` owns it.
struct KeyArchive {
    /// One archived key, as a record of the key's length (1 byte), the queue index of its
    /// message (UInt64, little-endian), the key's bytes, and a CRC-32 of the three before it.
    struct Entry: Sendable, Hashable {
        /// The key (1–255 bytes).
        var key: [UInt8]
        /// The queue index of the message it came with.
        var index: UInt64

        /// Bytes of a record besides the key: length, index, CRC.
        static let overhead = 1 + 8 + 4

        /// The framed record.
        func encoded() -> [UInt8] {
            precondition((1...255).contains(key.count), "an idempotency key has 1 to 255 bytes")
            var record: [UInt8] = [UInt8(key.count)]
            record.reserveCapacity(Self.overhead + key.count)
            record.appendLittleEndian(index)
            record.append(contentsOf: key)
            record.appendLittleEndian(CRC32.checksum(record))
            return record
        }

        /// The record at `offset` of `bytes` and its length; nil at the end of the bytes.
        /// Throws ``Torn`` when the bytes end inside a record or its checksum does not match.
        static func decode(_ bytes: [UInt8], at offset: Int) throws(Torn) -> (Entry, length: Int)? {
            guard offset < bytes.count else { return nil }
            let length = Int(bytes[offset])
            let end = offset + 1 + 8 + length
            guard length > 0, end + 4 <= bytes.count, CRC32.checksum(bytes[offset..<end]) == bytes.littleEndianUInt32(at: end) else {
                throw Torn()
            }
            let entry = Entry(key: Array(bytes[(offset + 9)..<end]), index: bytes.littleEndianUInt64(at: offset + 1))
            return (entry, end + 4 - offset)
        }
    }

    /// A record cut short or damaged.
    struct Torn: Error {}

    /// The archive's directory.
    let directory: URL
    /// Keys a file takes before the next one is started.
    let keysPerFile: Int
    private var number: UInt64
    private var keysInFile: Int
    private var size: Int
    /// The current file, -1 until the first append opens it.
    private var file: Int32 = -1
    private var unsynced = false
    /// A file was created: the directory needs an fsync before the keys in it count as durable.
    private var directoryChanged = false
    /// The directory was created: its parent needs an fsync too.
    private var parentChanged = false

    /// Reads the archive in `directory` and returns it with its keys, oldest first; nothing is
    /// created before the first ``append(_:)``. Files older than the newest two are deleted; a torn
    /// record at the end of the newest (a write cut by a crash) is cut off.
    ///
    /// - Throws: ``HeadNetworkError`` `corruptFile` naming a damaged file, `persistence` when a
    ///   file cannot be read or repaired.
    static func open(directory: URL, keysPerFile: Int) throws -> (KeyArchive, [Entry]) {
        precondition(keysPerFile >= 1)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var numbers = names.compactMap { $0.hasPrefix("keys-") ? UInt64($0.dropFirst(5)) : nil }.sorted()
        for old in numbers.dropLast(2) { unlink(url(of: old, in: directory).path) }
        numbers = Array(numbers.suffix(2))
        var entries: [Entry] = []
        var keysInLast = 0
        var sizeOfLast = 0
        for (position, number) in numbers.enumerated() {
            let path = url(of: number, in: directory)
            let bytes = try DurableFile.read(path) ?? []
            var offset = 0
            keysInLast = 0
            do {
                while let decoded = try Entry.decode(bytes, at: offset) {
                    entries.append(decoded.0)
                    keysInLast += 1
                    offset += decoded.length
                }
            } catch {
                guard position == numbers.count - 1 else {
                    throw HeadNetworkError(
                        .corruptFile,
                        "the idempotency key archive \(path.path) is damaged at byte \(offset). Delete the directory \(directory.path) "
                            + "to forget the keys it holds (a retry of a broadcast accepted before then is then sent again)")
                }
                guard truncate(path.path, off_t(offset)) == 0 else { throw DurableFile.posixError("cannot cut the torn end of \(path.path)") }
            }
            sizeOfLast = offset
        }
        let archive = KeyArchive(directory: directory, keysPerFile: keysPerFile, number: numbers.last ?? 1, keysInFile: keysInLast, size: sizeOfLast)
        return (archive, entries)
    }

    private init(directory: URL, keysPerFile: Int, number: UInt64, keysInFile: Int, size: Int) {
        self.directory = directory
        self.keysPerFile = keysPerFile
        self.number = number
        self.keysInFile = keysInFile
        self.size = size
    }

    /// Opens the current file for appending, creating it (and the directory) when missing.
    private mutating func openFile() throws {
        if !FileManager.default.fileExists(atPath: directory.path) {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw HeadNetworkError(.persistence, "cannot create \(directory.path); check the persistence directory's permissions", cause: error)
            }
            parentChanged = true
        }
        let path = Self.url(of: number, in: directory).path
        if !FileManager.default.fileExists(atPath: path) { directoryChanged = true }
        let file = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw DurableFile.posixError("cannot open \(path)") }
        self.file = file
    }

    private static func url(of number: UInt64, in directory: URL) -> URL {
        directory.appendingPathComponent("keys-\(number)")
    }

    /// Appends `entries` (starting a new file when the current one is full); durable after the
    /// next ``sync()``.
    mutating func append(_ entries: some Collection<Entry>) throws {
        var rest = entries[...]
        if file < 0, !rest.isEmpty { try openFile() }
        while !rest.isEmpty {
            if keysInFile >= keysPerFile { try startNextFile() }
            let chunk = rest.prefix(keysPerFile - keysInFile)
            let bytes = chunk.flatMap { $0.encoded() }
            do {
                try DurableFile.writeAll(bytes, to: file, "cannot append to the idempotency key archive in \(directory.path)")
            } catch {
                // Cut a partial record off, so that later records do not follow a torn one.
                _ = ftruncate(file, off_t(size))
                throw error
            }
            size += bytes.count
            keysInFile += chunk.count
            unsynced = true
            rest = rest.dropFirst(chunk.count)
        }
    }

    /// Syncs the full file and starts the next; deletes the one before the full file (the full
    /// one holds the window).
    private mutating func startNextFile() throws {
        if unsynced {
            guard fdatasync(file) == 0 else { throw DurableFile.posixError("cannot sync the idempotency key archive in \(directory.path)") }
            unsynced = false
        }
        let path = Self.url(of: number + 1, in: directory).path
        let next = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard next >= 0 else { throw DurableFile.posixError("cannot create \(path)") }
        Glibc.close(file)
        file = next
        if number > 1 { unlink(Self.url(of: number - 1, in: directory).path) }
        number += 1
        keysInFile = 0
        size = 0
        directoryChanged = true
    }

    /// Makes every key appended so far durable (an fdatasync, and an fsync of the directory
    /// after a file was created).
    mutating func sync() throws {
        if unsynced {
            guard fdatasync(file) == 0 else { throw DurableFile.posixError("cannot sync the idempotency key archive in \(directory.path)") }
            unsynced = false
        }
        if directoryChanged {
            try DurableFile.syncDirectory(directory)
            directoryChanged = false
        }
        if parentChanged {
            try DurableFile.syncDirectory(directory.deletingLastPathComponent())
            parentChanged = false
        }
    }

    /// Closes the file.
    mutating func close() {
        if file >= 0 { Glibc.close(file) }
        file = -1
    }
}
