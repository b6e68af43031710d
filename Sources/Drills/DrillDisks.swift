import Foundation
import HeadnetCore
#if canImport(Glibc)
import Glibc
#endif

/// The small disks of a drill that fills them: a tmpfs mounted on each node's state directory
/// before the cluster comes up (as root), filled to the last byte by `fill-disk` — the node's
/// queue, journal, revision file and etcd data all live there — emptied again by `free-disk`,
/// and unmounted when the drill is over.
public struct DrillDisks: Sendable {
    /// The name of the file that fills a disk.
    public static let fillerName = "fill-disk.filler"
    /// Each node's mount point (its state directory), by name.
    public let mountPoints: [String: URL]
    /// The size of each tmpfs, in MiB.
    public let sizeMiB: Int

    /// Why this machine cannot give the nodes disks of their own, or nil.
    public static func unsupportedReason() -> String? {
        getuid() == 0 ? nil : "filling a node's disk mounts a small tmpfs on its state directory, which needs root"
    }

    /// Mounts a tmpfs of `sizeMiB` on each of `directories` (node name → state directory),
    /// creating them; what was mounted is unmounted again when one fails.
    ///
    /// - Throws: ``DrillError`` when a mount fails, saying why.
    public static func mount(_ directories: [String: URL], sizeMiB: Int = 256) throws(DrillError) -> DrillDisks {
        var mounted: [String: URL] = [:]
        for (node, directory) in directories.sorted(by: { $0.key < $1.key }) {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                DrillDisks(mountPoints: mounted, sizeMiB: sizeMiB).unmount()
                throw DrillError(.disk, "cannot create \(node)'s state directory \(directory.path)", cause: error)
            }
            guard Glibc.mount("tmpfs", directory.path, "tmpfs", 0, "size=\(sizeMiB)m,mode=0755") == 0 else {
                let reason = String(cString: strerror(errno))
                DrillDisks(mountPoints: mounted, sizeMiB: sizeMiB).unmount()
                throw DrillError(.disk, "cannot mount a tmpfs on \(node)'s state directory \(directory.path): \(reason)")
            }
            mounted[node] = directory
        }
        return DrillDisks(mountPoints: mounted, sizeMiB: sizeMiB)
    }

    /// Fills `node`'s disk: writes the filler file until the file system has no byte left.
    /// Returns the bytes written.
    ///
    /// - Throws: ``DrillError`` when the file cannot be written for another reason than a full disk.
    public func fill(_ node: String) throws(DrillError) -> Int64 {
        let file = try filler(of: node)
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else { throw DrillError(.disk, "cannot open \(file.path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var written: Int64 = 0
        // Big chunks first, then smaller ones for what is left.
        for chunk in [1 << 20, 1 << 12, 1] {
            let bytes = [UInt8](repeating: 0xAB, count: chunk)
            while true {
                let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, chunk) }
                if count > 0 {
                    written += Int64(count)
                    continue
                }
                guard errno == ENOSPC || errno == EFBIG || count == 0 else {
                    throw DrillError(.disk, "cannot fill \(node)'s disk: \(String(cString: strerror(errno)))")
                }
                break
            }
        }
        return written
    }

    /// Frees what ``fill(_:)`` took on `node`'s disk; returns the bytes freed.
    public func free(_ node: String) throws(DrillError) -> Int64 {
        let file = try filler(of: node)
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int64) ?? nil
        if Glibc.unlink(file.path) != 0, errno != ENOENT {
            throw DrillError(.disk, "cannot delete \(file.path): \(String(cString: strerror(errno)))")
        }
        return size ?? 0
    }

    /// Unmounts every disk (lazily: a process still holding a file there lets go later).
    public func unmount() {
        for directory in mountPoints.values { _ = umount2(directory.path, Int32(MNT_DETACH)) }
    }

    private func filler(of node: String) throws(DrillError) -> URL {
        guard let directory = mountPoints[node] else { throw DrillError(.disk, "\(node) has no disk of the drill's") }
        return directory.appendingPathComponent(Self.fillerName)
    }
}
