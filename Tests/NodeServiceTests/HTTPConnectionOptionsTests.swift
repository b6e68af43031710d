import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NodeHTTP
import Testing

/// The node API client's socket options: what it sets, a user without privileges may set.
@Suite struct HTTPConnectionOptionsTests {
    /// A socket listening on a free loopback port (the kernel completes connections to it).
    final class Listener {
        let descriptor: Int32
        let port: Int

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, length) == 0 && listen(descriptor, 4) == 0 && getsockname(descriptor, $0, &length) == 0
                }
            }
            self.descriptor = descriptor
            port = Int(UInt16(bigEndian: address.sin_port))
            guard bound else {
                close(descriptor)
                throw POSIXError(.EADDRNOTAVAIL)
            }
        }

        deinit { close(descriptor) }
    }

    /// TCP_NODELAY at the TCP level, and not SO_DEBUG (option 1 at the socket level), which
    /// needs CAP_NET_ADMIN: as any other user every connection failed with EACCES.
    @Test func noDelayIsATCPOptionAndNothingNeedsPrivileges() async throws {
        let listener = try Listener()
        let connection = try await HTTPConnection.connect(host: "127.0.0.1", port: listener.port)
        let noDelay = try await connection.channel.getOption(.tcpOption(.tcp_nodelay)).get()
        let debug = try await connection.channel.getOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_DEBUG))).get()
        try await connection.channel.close()
        #expect(noDelay != 0)
        #expect(debug == 0)
    }
}
