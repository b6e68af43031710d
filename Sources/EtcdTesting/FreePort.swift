#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds TCP ports on 127.0.0.1 that nobody listens on.
public enum FreePort {
    /// Asks the kernel for `count` distinct free ports by binding to port 0 and reading the port.
    ///
    /// The sockets are held open until all ports are picked, so the same port is not returned
    /// twice; another process may still take one before the caller binds it (rare; callers retry).
    public static func pick(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { for fd in sockets { close(fd) } }
        var ports: [Int] = []
        for _ in 0..<count {
            #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
            #endif
            guard fd >= 0 else { throw EtcdTestingError(.noFreePort, "socket() failed: errno \(errno)") }
            sockets.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { throw EtcdTestingError(.noFreePort, "bind(127.0.0.1:0) failed: errno \(errno)") }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            guard named == 0 else { throw EtcdTestingError(.noFreePort, "getsockname failed: errno \(errno)") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }

    /// Whether nothing listens on 127.0.0.1:`port` right now.
    public static func isFree(_ port: Int) -> Bool {
        guard (1...65535).contains(port) else { return false }
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// `count` free ports P such that P − `offset` is free too (Hydra derives the etcd client
    /// port as listen − 2622), all distinct.
    public static func pickWithOffset(_ count: Int, offset: Int) throws -> [Int] {
        var chosen: [Int] = []
        var attempts = 0
        while chosen.count < count {
            attempts += 1
            guard attempts < 1000 else { throw EtcdTestingError(.noFreePort, "no free port pairs found") }
            guard let port = try pick(1).first else { continue }
            let other = port - offset
            if other > 1024, isFree(other), !chosen.contains(port), !chosen.contains(other),
                !chosen.contains(where: { $0 - offset == port || $0 - offset == other })
            {
                chosen.append(port)
            }
        }
        return chosen
    }
}
