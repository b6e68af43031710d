import EtcdTesting
import Foundation
import Testing

@testable import EtcdClient

/// Real TLS with client-certificate auth: etcd started with --client-cert-auth.
@Suite(.serialized) struct EtcdClientTLSTests {
    private func withPKI<R>(_ body: (TestPKI) async throws -> R) async throws -> R {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-pki-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        return try await body(try await TestPKI.generate(in: dir))
    }

    @Test func clientCertificateIsAcceptedAndWatchWorks() async throws {
        try await withPKI { pki in
            try await EtcdCluster.withCluster(members: 1, configuration: .init(tls: pki)) { cluster in
                #expect(cluster.endpoints.allSatisfy { $0.hasPrefix("https://") })
                let tls = EtcdClientConfiguration.TLS(caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile)
                try await EtcdClient.withClient(.init(endpoints: cluster.endpoints, tls: tls)) { etcd in
                    let start = try await etcd.put("secure", "yes").header.revision
                    #expect(try await etcd.get("secure")?.valueString == "yes")
                    for try await batch in etcd.watch(prefix: "secure", startRevision: start) {
                        #expect(batch.events.first?.kv.valueString == "yes")
                        break
                    }
                    #expect(try await etcd.status().version.hasPrefix("3.4"))
                }
                let viaEtcdctl = try await cluster.etcdctl(["get", "secure", "--print-value-only"])
                #expect(viaEtcdctl.output.contains("yes"))
            }
        }
    }

    @Test func certificateFromAnotherCAIsRefused() async throws {
        try await withPKI { pki in
            try await EtcdCluster.withCluster(members: 1, configuration: .init(tls: pki)) { cluster in
                let tls = EtcdClientConfiguration.TLS(caFile: pki.caFile, certFile: pki.strangerCertFile, keyFile: pki.strangerKeyFile)
                let config = EtcdClientConfiguration(endpoints: cluster.endpoints, tls: tls, failoverTimeout: .seconds(1))
                _ = try await EtcdClient.withClient(config) { etcd in
                    await #expect(throws: EtcdError.self) { try await etcd.put("secure", "no") }
                }
            }
        }
    }

    @Test func httpsWithoutTLSSettingsIsAConfigurationError() {
        do {
            _ = try EtcdClient(.init(endpoints: ["https://127.0.0.1:2379"]))
            Issue.record("expected an error")
        } catch let error as EtcdError {
            #expect(error.code == .configuration)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
