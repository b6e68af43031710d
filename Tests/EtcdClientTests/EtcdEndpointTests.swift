import Testing

@testable import EtcdClient

@Suite struct EtcdEndpointTests {
    @Test(arguments: [
        ("http://127.0.0.1:2379", "127.0.0.1", 2379, false),
        ("https://node1.example:2380", "node1.example", 2380, true),
        ("127.0.0.1:23790", "127.0.0.1", 23790, false),
        ("http://[::1]:2379", "::1", 2379, false),
        ("localhost", "localhost", 2379, false),
        ("http://127.0.0.1:2379/", "127.0.0.1", 2379, false),
    ])
    func parsesClientURLs(url: String, host: String, port: Int, secure: Bool) throws {
        let endpoint = try EtcdEndpoint(parsing: url)
        #expect(endpoint.host == host)
        #expect(endpoint.port == port)
        #expect(endpoint.secure == secure)
    }

    @Test(arguments: ["unix:///tmp/etcd.sock", "http://:2379", "http://127.0.0.1:0", "http://127.0.0.1:99999", "[::1"])
    func rejectsBadURLs(url: String) {
        #expect(throws: EtcdError.self) { try EtcdEndpoint(parsing: url) }
    }

    @Test func rendersIPv6WithBrackets() {
        #expect(EtcdEndpoint(host: "::1", port: 2379).description == "http://[::1]:2379")
    }

    @Test func prefixRangeEndsAfterThePrefix() {
        #expect(EtcdKeyRange.prefix("msg").rangeEnd == Array("msh".utf8))
        #expect(EtcdKeyRange.prefix([0x61, 0xff]).rangeEnd == [0x62])
        #expect(EtcdKeyRange.prefix([0xff]).rangeEnd == [0])
    }

    @Test func emptyEndpointListIsAConfigurationError() {
        do {
            _ = try EtcdClient(EtcdClientConfiguration(endpoints: []))
            Issue.record("expected an error")
        } catch let error as EtcdError {
            #expect(error.code == .configuration)
            #expect(error.message.contains("http://127.0.0.1:2379"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
