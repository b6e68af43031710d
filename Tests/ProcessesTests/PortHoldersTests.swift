import Foundation
import Testing

@testable import Processes

#if canImport(Glibc)
import Glibc
#endif

/// Sockets this test process listens on, found again through `/proc`.
@Suite struct PortHoldersTests {
    @Test func anIPv4ListenerIsHeldByThisProcess() throws {
        let listener = try #require(Self.listen(on: "127.0.0.1"))
        defer { close(listener.fd) }
        let holders = Ports.holders(ofPort: listener.port)
        let ours = holders.filter { $0.pid == getpid() }
        #expect(ours.count == 1, "\(holders)")
        #expect(ours.first?.arguments.isEmpty == false)
        #expect(ours.first?.description.hasPrefix("pid \(getpid()) (") == true)
    }

    @Test(.enabled(if: PortHoldersTests.loopbackIPv6Works(), "IPv6 loopback is not available"))
    func anIPv6ListenerIsHeldByThisProcessOnceAlsoWithAnIPv4One() throws {
        let v6 = try #require(Self.listen(on: "::1"))
        defer { close(v6.fd) }
        #expect(Ports.holders(ofPort: v6.port).filter { $0.pid == getpid() }.count == 1)
        // The same port on IPv4 too (when nothing else holds it there): still one holder.
        guard let v4 = Self.listen(on: "127.0.0.1", port: v6.port) else { return }
        defer { close(v4.fd) }
        let holders = Ports.holders(ofPort: v6.port)
        #expect(holders.filter { $0.pid == getpid() }.count == 1, "\(holders)")
    }

    @Test func aFreePortHasNoHolders() throws {
        let port = try #require(Ports.pickFree(1).first)
        #expect(Ports.holders(ofPort: port) == [])
        #expect(Ports.holders(ofPort: 0) == [])
        #expect(Ports.holders(ofPort: 70000) == [])
    }

    @Test func listeningSocketsAreReadFromTheTables() {
        let v4 = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
               1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0000000000000000 20 4 30 10 -1
               2: 00000000:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 100 0 0 10 0

            """
        #expect(Ports.listeningInodes(in: v4, port: 8080) == [4242])
        #expect(Ports.listeningInodes(in: v4, port: 8081) == [4444])
        #expect(Ports.listeningInodes(in: v4, port: 50000) == [])
        let v6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5555 1 0000000000000000 100 0 0 10 0
            """
        #expect(Ports.listeningInodes(in: v6, port: 8080) == [5555])
    }

    @Test func descriptionsAreShort() {
        #expect(PortHolder(pid: 1234, arguments: ["/usr/bin/python3", "-m", "http.server", "5002"]).description == "pid 1234 (python3 -m http.server 5002)")
        #expect(PortHolder(pid: 7, arguments: ["sh", "-c", "sleep 30; :", "", "a", "b", "c"]).description == "pid 7 (sh -c 'sleep 30; :' '' a b …)")
        let long = String(repeating: "x", count: 100)
        #expect(PortHolder(pid: 7, arguments: ["etcd", long]).description == "pid 7 (etcd \(String(repeating: "x", count: 60))…)")
        #expect(PortHolder(pid: 7, arguments: []).description == "pid 7")
        #expect(PortHolder(pid: nil, arguments: []).description == "an unknown process (no access to its /proc entry)")
    }

    /// Whether a socket can listen on `::1`.
    static func loopbackIPv6Works() -> Bool {
        guard let listener = listen(on: "::1") else { return false }
        close(listener.fd)
        return true
    }

    /// A socket listening on `host` (an IPv4 or IPv6 literal) and `port` (0: one the kernel
    /// picks), and the port; nil when it cannot be bound.
    static func listen(on host: String, port: Int = 0) -> (fd: Int32, port: Int)? {
        var storage = sockaddr_storage()
        let family: Int32
        let length: Int
        if host.contains(":") {
            family = AF_INET6
            length = MemoryLayout<sockaddr_in6>.size
            let parsed = withUnsafeMutableBytes(of: &storage) { bytes in
                let address = bytes.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = UInt16(port).bigEndian
                return inet_pton(AF_INET6, host, &address.pointee.sin6_addr)
            }
            guard parsed == 1 else { return nil }
        } else {
            family = AF_INET
            length = MemoryLayout<sockaddr_in>.size
            let parsed = withUnsafeMutableBytes(of: &storage) { bytes in
                let address = bytes.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                address.pointee.sin_family = sa_family_t(AF_INET)
                address.pointee.sin_port = UInt16(port).bigEndian
                return inet_pton(AF_INET, host, &address.pointee.sin_addr)
            }
            guard parsed == 1 else { return nil }
        }
        // Close-on-exec: a child another test spawns meanwhile must not hold it too.
        let fd = socket(family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var size = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let listening = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(length)) == 0 && Glibc.listen(fd, 1) == 0 && getsockname(fd, $0, &size) == 0
            }
        }
        guard listening else {
            close(fd)
            return nil
        }
        // sin_port and sin6_port are both at offset 2.
        let bound = withUnsafeBytes(of: &storage) { UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)) }
        return (fd, Int(bound))
    }
}
