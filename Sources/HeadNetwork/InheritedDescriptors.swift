import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Keeps a spawned process from inheriting our descriptors beyond stdin, stdout and stderr.
/// Listening sockets matter most: a process that outlives us would otherwise keep our ports.
public enum InheritedDescriptors {
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    /// Adds "close every descriptor from 3 on" to `actions`: glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` when present, else a close for each descriptor
    /// open now except `keeping`.
    public static func close(in actions: inout posix_spawn_file_actions_t, keeping: Set<Int32> = []) {
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
            if closeFrom(&actions, 3) == 0 { return }
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap(Int32.init) where fd > 2 && !keeping.contains(fd) {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }
}
