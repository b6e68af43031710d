import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Whether TCP ports can be bound, and free ports for tests and devnets.
public enum Ports {
    /// Whether `port` can be bound on `host` right now: an IPv4 or IPv6 literal (brackets
    /// allowed), `localhost` or a wildcard. For a host name that is not a literal it answers true
    /// (the program that binds it will say).
    public static func isFree(host: String, port: Int) -> Bool {
        guard (1...65535).contains(port) else { return false }
        var literal = host
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = String(literal.dropFirst().dropLast()) }
        if literal == "localhost" { literal = "127.0.0.1" }
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, literal, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = UInt16(port).bigEndian
            return canBind(family: AF_INET, &v4)
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, literal, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = UInt16(port).bigEndian
            return canBind(family: AF_INET6, &v6)
        }
        return true
    }

    /// The range ``pickFree(_:offsets:)`` picks from: below Linux's ephemeral range (32768–60999),
    /// which outgoing connections draw their source ports from, so a picked port is not taken by
    /// some client's connection before the caller binds it.
    public static let pickRange = 15000...32000

    private static let handedOut = Mutex<Set<Int>>([])

    /// `count` distinct ports P free on 127.0.0.1, with P − `offset` free too for each of
    /// `offsets` (Hydra derives the etcd client port as listen − 2622), never a port this process
    /// was given before (the derived ones included): tests that run side by side in one process
    /// cannot get the same port.
    ///
    /// - Throws: ``ProcessError`` `io` when no such ports are found in 10,000 tries.
    public static func pickFree(_ count: Int, offsets: [Int] = []) throws -> [Int] {
        var picked: [Int] = []
        for _ in 0..<10_000 where picked.count < count {
            let port = Int.random(in: pickRange)
            let all = [port] + offsets.map { port - $0 }
            guard all.allSatisfy({ $0 > 1024 && isFree(host: "127.0.0.1", port: $0) }) else { continue }
            let fresh = handedOut.withLock { handed in
                guard handed.isDisjoint(with: all) else { return false }
                handed.formUnion(all)
                return true
            }
            if fresh { picked.append(port) }
        }
        guard picked.count == count else {
            throw ProcessError(.io, "found only \(picked.count) of \(count) free ports in \(pickRange); stop processes that hold ports there")
        }
        return picked
    }

    private static func canBind<Address>(family: Int32, _ address: inout Address) -> Bool {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<Address>.size)) }
        } == 0
    }
}
