import EtcdClient
import Foundation
import HeadnetCore
import Testing

@testable import HeadNetwork

@Suite struct EtcdProcessTests {
    let config = EtcdNetworkConfiguration(
        persistenceDirectory: URL(fileURLWithPath: "/state/alice"),
        listen: Address(hostname: "0.0.0.0", port: 5003),
        advertise: Address(hostname: "10.0.0.3", port: 5003),
        peers: [Address(hostname: "10.0.0.1", port: 5001), Address(hostname: "10.0.0.2", port: 5002)],
        protocolVersion: 2)

    @Test func commandLineFollowsHydra() {
        let args = EtcdProcess(configuration: config).arguments
        func value(_ flag: String) -> String? { args.firstIndex(of: flag).map { args[$0 + 1] } }
        #expect(value("--name") == "10.0.0.3:5003")
        #expect(value("--listen-peer-urls") == "http://0.0.0.0:5003")
        #expect(value("--initial-advertise-peer-urls") == "http://10.0.0.3:5003")
        #expect(value("--listen-client-urls") == "http://127.0.0.1:2381")
        #expect(value("--advertise-client-urls") == "http://127.0.0.1:2381")
        #expect(value("--initial-cluster-token") == "hydra-network-1")
        #expect(value("--initial-cluster") == "10.0.0.3:5003=http://10.0.0.3:5003,10.0.0.1:5001=http://10.0.0.1:5001,10.0.0.2:5002=http://10.0.0.2:5002")
        #expect(value("--initial-cluster-state") == "new")
        #expect(value("--data-dir")?.hasPrefix("/state/alice/etcd/") == true)
    }

    @Test func compactionDefaultsYieldToTheEnvironment() {
        let etcd = EtcdProcess(configuration: config)
        let plain = etcd.environment(base: [:])
        #expect(plain["ETCD_AUTO_COMPACTION_MODE"] == "revision")
        #expect(plain["ETCD_AUTO_COMPACTION_RETENTION"] == "1000")
        let overridden = etcd.environment(base: ["ETCD_AUTO_COMPACTION_RETENTION": "10"])
        #expect(overridden["ETCD_AUTO_COMPACTION_RETENTION"] == "10")
    }

    @Test func lowListenPortsAreRejected() {
        var low = config
        low.listen = Address(hostname: "127.0.0.1", port: 2621)
        #expect(throws: HeadNetworkError.self) { try low.validate() }
        low.listen.port = 2622
        #expect(throws: Never.self) { try low.validate() }
        #expect(low.clientPort == 0)
    }

    @Test func stderrLinesAreClassified() {
        #expect(EtcdProcess.classify("not json") == .notJSON("not json", reason: "not a JSON object"))
        let mismatch = #"{"level":"error","msg":"request sent was ignored due to cluster ID mismatch","remote-peer-id":"1"}"#
        #expect(EtcdProcess.classify(mismatch) == .clusterIDMismatch)
        let mismatch34 = #"{"level":"warn","msg":"request sent was ignored by remote peer due to cluster ID mismatch","error":"cluster ID mismatch"}"#
        #expect(EtcdProcess.classify(mismatch34) == .clusterIDMismatch)
        let capnslog = "2026-11-25 04:30:05.190724 E | rafthttp: request sent was ignored (cluster ID mismatch: remote[7276]=8b78, local=5c2f)"
        #expect(EtcdProcess.classify(capnslog) == .clusterIDMismatch)
        let info = #"{"level":"info","msg":"serving client traffic insecurely"}"#
        #expect(EtcdProcess.classify(info) == .log(info))
        #expect(EtcdServerLog.isReady(info))
        let mismatch35 = #"{"level":"error","msg":"request sent was ignored due to cluster ID mismatch","remote-peer-id":"1"}"#
        #expect(EtcdProcess.classify(mismatch35) == .clusterIDMismatch)
        // Peer status lines carry the reason in `error`.
        let inactive = #"{"level":"warn","msg":"peer became inactive (message send to peer failed)","error":"failed to dial 8e9e on stream Message (cluster ID mismatch)"}"#
        #expect(EtcdProcess.classify(inactive) == .clusterIDMismatch)
        // The receiving side's complaint is about someone else's cluster, not ours.
        let receiving = #"{"level":"warn","msg":"request cluster ID mismatch","remote-peer-cluster-id":"5c2f"}"#
        #expect(EtcdProcess.classify(receiving) == .log(receiving))
        let bootstrapped = #"{"level":"fatal","msg":"discovery failed","error":"member 8e9e has already been bootstrapped"}"#
        #expect(EtcdProcess.classify(bootstrapped) == .clusterIDMismatch)
    }

    @Test func traceLinesAreJSON() throws {
        let line = EtcdLog.networkEvent(.versionMismatch(ours: 2, theirs: nil)).jsonLine
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["tag"] as? String == "VersionMismatch")
        #expect(object["ourVersion"] as? Int == 2)
        #expect(object["theirVersion"] is NSNull)
        let etcdLine = EtcdLog.etcdLog(json: #"{"level":"info","msg":"x"}"#).jsonLine
        #expect(etcdLine.contains(#""etcd":{"#))
        // BroadcastSent is written by hand: the same line JSONSerialization writes.
        let sent = EtcdLog.broadcastSent(messages: 3, revision: 41, firstItem: 7)
        let reference = try JSONSerialization.data(
            withJSONObject: ["tag": "BroadcastSent", "messages": 3, "revision": 41, "firstItem": 7], options: [.sortedKeys])
        #expect(sent.jsonLine == String(decoding: reference, as: UTF8.self))
    }

    @Test func connectivityTrackerDiffsScans() {
        let me = Address(hostname: "127.0.0.1", port: 5001)
        let bob = Address(hostname: "127.0.0.1", port: 5002)
        let carol = Address(hostname: "127.0.0.1", port: 5003)
        var tracker = ConnectivityTracker(ourselves: me)
        #expect(tracker.update(seen: [me, bob]) == [.peerConnected(bob)])
        #expect(tracker.update(seen: [me, bob, carol]) == [.peerConnected(carol)])
        #expect(tracker.update(seen: [me, bob, carol]) == [])
        #expect(tracker.update(seen: [me, carol]) == [.peerDisconnected(bob)])
        tracker.reset()
        #expect(tracker.update(seen: [carol]) == [.peerConnected(carol)])
    }

    @Test func revisionStoreRoundTripsAndNamesACorruptFile() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-rev-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = RevisionStore(directory: dir)
        #expect(try store.load() == 0)
        try await store.save(1234)
        #expect(try store.load() == 1234)
        // A bare JSON number, padded to a fixed width so that later saves rewrite it in place.
        let text = try String(contentsOf: store.file, encoding: .utf8)
        #expect(text.trimmingCharacters(in: .whitespaces) == "1234" && text.utf8.count == 20)
        try await store.save(99)
        #expect(try store.load() == 99)
        #expect(try RevisionStore(directory: dir).load() == 99)
        // In-place saves are readable at once, by this store and another one, also while the
        // delayed fdatasync is pending.
        for revision in Int64(100)...300 {
            try await store.save(revision)
            #expect(try RevisionStore(directory: dir).load() == revision)
        }
        try "garbage".write(to: store.file, atomically: true, encoding: .utf8)
        do {
            _ = try store.load()
            Issue.record("expected an error")
        } catch let error as HeadNetworkError {
            #expect(error.code == .corruptFile)
            #expect(error.message.contains(store.file.path))
            #expect(error.message.contains("Delete"))
        }
    }
}
