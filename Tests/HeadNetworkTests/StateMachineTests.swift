import CBOR
import EtcdClient
import Foundation
import HeadnetCore
import Testing

@testable import HeadNetwork

/// The component's decisions, driven by tables of inputs without etcd.
@Suite struct BroadcastSenderTests {
    let key = "msg-127.0.0.1:5001"
    let batch = [PersistentQueue.Item(index: 1, bytes: [0x41, 1]), PersistentQueue.Item(index: 2, bytes: [0x41, 2])]

    @Test func answersToTheTxn() {
        // (lastModRev, answer) → (decision, lastModRev after)
        typealias Row = (start: Int64, answer: BroadcastSender.Answer, decision: BroadcastSender.Decision, after: Int64)
        let rows: [Row] = [
            // The compare held: the put is in at the header's revision.
            (0, .init(succeeded: true, revision: 7), .pop(trace: .broadcastSent(messages: 2, revision: 7, firstItem: 1)), 7),
            (7, .init(succeeded: true, revision: 9), .pop(trace: .broadcastSent(messages: 2, revision: 9, firstItem: 1)), 9),
            // Hydra's "putMessage dedups when lastModRev is stale": an earlier attempt of this batch
            // committed (its answer was lost), so the key moved past what we compare with; the
            // failure branch's range shows it: the batch counts as sent, nothing is written twice.
            (7, .init(succeeded: false, revision: 12, observedModRevision: 11), .pop(trace: .broadcastDeduped(previousModRev: 7, observedModRev: 11)), 11),
            (0, .init(succeeded: false, revision: 5, observedModRevision: 3), .pop(trace: .broadcastDeduped(previousModRev: 0, observedModRev: 3)), 3),
        ]
        for row in rows {
            var sender = BroadcastSender(lastModRev: row.start)
            _ = sender.begin(batch)
            #expect(sender.answered(row.answer, key: key) == row.decision, "\(row)")
            #expect(sender.lastModRev == row.after, "\(row)")
        }
    }

    @Test func aVanishedKeyStopsTheNode() {
        var sender = BroadcastSender(lastModRev: 7)
        _ = sender.begin(batch)
        guard case .fail(let message) = sender.answered(.init(succeeded: false, revision: 12, observedModRevision: nil), key: key) else {
            Issue.record("expected a failure")
            return
        }
        #expect(message.contains(key) && message.contains("mod revision 7") && message.contains("Restart the node"))
        #expect(sender.lastModRev == 7)
    }

    @Test func aRetryResendsTheSameBatchUntilItIsPopped() {
        var sender = BroadcastSender(lastModRev: 3)
        let marker = sender.begin(batch)
        #expect(marker == InFlightBatch(lastModRev: 3, indices: [1, 2]))
        // A transient failure changes nothing: the loop asks again and gets the same batch.
        #expect(sender.inFlight == batch)
        #expect(sender.lastModRev == 3)
        _ = sender.answered(.init(succeeded: true, revision: 4), key: key)
        #expect(sender.inFlight == batch, "still in flight until popped")
        sender.popped()
        #expect(sender.inFlight == nil)
        #expect(sender.begin([batch[1]]) == InFlightBatch(lastModRev: 4, indices: [2]))
    }

    @Test func settlingTheMarkerOfAPreviousRun() {
        let value: ([PersistentQueue.Item]) -> [UInt8] = { BroadcastBatch.value(of: $0.map(\.bytes)) }
        let committed = (modRevision: Int64(9), value: value(batch))
        let marker = InFlightBatch(lastModRev: 5, indices: [1, 2])
        // Committed after the node stopped: pop instead of sending again.
        #expect(BroadcastSender.settle(marker: marker, current: committed, head: batch, value: value)
            == .broadcastDeduped(previousModRev: 5, observedModRev: 9))
        // No marker, key not moved, other items at the head, another value: send as usual.
        #expect(BroadcastSender.settle(marker: nil, current: committed, head: batch, value: value) == nil)
        #expect(BroadcastSender.settle(marker: InFlightBatch(lastModRev: 9, indices: [1, 2]), current: committed, head: batch, value: value) == nil)
        #expect(BroadcastSender.settle(marker: marker, current: nil, head: batch, value: value) == nil)
        #expect(BroadcastSender.settle(marker: InFlightBatch(lastModRev: 5, indices: [2, 3]), current: committed, head: batch, value: value) == nil)
        #expect(BroadcastSender.settle(marker: marker, current: (9, value([batch[0]])), head: batch, value: value) == nil)
        // The queue holds more than the batch: only the marker's items count.
        let longer = batch + [PersistentQueue.Item(index: 3, bytes: [0x41, 3])]
        #expect(BroadcastSender.settle(marker: marker, current: committed, head: longer, value: value) != nil)
    }
}

@Suite struct ConnectivityMachineTests {
    let me = Address(hostname: "127.0.0.1", port: 5001)
    let bob = Address(hostname: "127.0.0.1", port: 5002)
    let carol = Address(hostname: "127.0.0.1", port: 5003)

    func alive(_ hosts: Address...) -> [(key: String, value: [UInt8])] {
        hosts.map { (key: "alive-\($0)", value: $0.cbor) }
    }

    @Test func leasesKeepalivesAndScans() {
        var machine = ConnectivityMachine(ourselves: me)
        #expect(machine.leaseCreated(id: 1) == [.trace(.createdLease(leaseId: 1)), .emit(.networkConnected)])
        #expect(machine.keptAlive(ttl: 3) == .scan)
        #expect(machine.scanned(alive(me, bob)) == [.emit(.peerConnected(bob))])
        #expect(machine.scanned(alive(me, bob, carol)) == [.emit(.peerConnected(carol))])
        #expect(machine.scanned(alive(carol, me)) == [.emit(.peerDisconnected(bob))])
        #expect(machine.peers == [carol])
        // The lease ran out or the stream closed: a new lease, no second NetworkConnected.
        #expect(machine.keptAlive(ttl: 0) == .renewLease([.trace(.lowLeaseTTL(ttlRemaining: 0))]))
        #expect(machine.keptAlive(ttl: -1) == .renewLease([.trace(.lowLeaseTTL(ttlRemaining: -1))]))
        #expect(machine.keptAlive(ttl: nil) == .renewLease([.trace(.noKeepAliveResponse)]))
        #expect(machine.leaseCreated(id: 2) == [.trace(.createdLease(leaseId: 2))])
        #expect(machine.scanned(alive(me, carol)) == [])
    }

    @Test func losingTheMajorityForgetsPeersWithoutEvents() {
        var machine = ConnectivityMachine(ourselves: me)
        #expect(machine.lost() == [], "never connected: nothing to say")
        _ = machine.leaseCreated(id: 1)
        _ = machine.scanned(alive(bob, carol))
        #expect(machine.lost() == [.emit(.networkDisconnected)])
        #expect(machine.peers.isEmpty)
        #expect(machine.lost() == [])
        // Back: connected again, and the peers are new again.
        #expect(machine.leaseCreated(id: 2) == [.trace(.createdLease(leaseId: 2)), .emit(.networkConnected)])
        #expect(machine.scanned(alive(bob)) == [.emit(.peerConnected(bob))])
    }

    @Test func undecodableAliveValuesAreTracedAndSkipped() {
        var machine = ConnectivityMachine(ourselves: me)
        let actions = machine.scanned([(key: "alive-junk", value: [0x01]), (key: "alive-\(bob)", value: bob.cbor)])
        #expect(actions.count == 2)
        guard case .trace(.failedToDecodeValue(let key, let value, _)) = actions.first else {
            Issue.record("expected FailedToDecodeValue first: \(actions)")
            return
        }
        #expect(key == "alive-junk" && value == "01")
        #expect(actions.last == .emit(.peerConnected(bob)))
    }

    @Test func aProtocolOneNodeReadsProtocolOneAliveValuesAndTracesTheOthers() {
        var machine = ConnectivityMachine(ourselves: me, dialect: .release)
        let actions = machine.scanned([
            (key: "alive-\(bob)", value: WireDialect.release.aliveValue(bob)),
            (key: "alive-\(carol)", value: WireDialect.master.aliveValue(carol)),
        ])
        #expect(actions.count == 2)
        guard case .trace(.failedToDecodeValue(let key, _, _)) = actions.first else {
            Issue.record("expected FailedToDecodeValue first: \(actions)")
            return
        }
        #expect(key == "alive-\(carol)")
        #expect(actions.last == .emit(.peerConnected(bob)))
    }
}

@Suite struct VersionCheckTests {
    @Test func theTxnsAnswers() {
        let v2 = ProtocolVersionValue.encode(2)
        let v1 = ProtocolVersionValue.encode(1)
        // (wrote ours, found) → (matches, theirs, actions)
        let rows: [(Bool, (key: String, value: [UInt8])?, VersionCheck)] = [
            (true, nil, VersionCheck(matches: true, actions: [.trace(.matchingProtocolVersion(version: 2))])),
            (false, ("version", v2), VersionCheck(matches: true, actions: [.trace(.matchingProtocolVersion(version: 2))])),
            (false, ("version", v1), VersionCheck(matches: false, theirs: 1, actions: [.emit(.versionMismatch(ours: 2, theirs: 1))])),
        ]
        for (wrote, found, expected) in rows {
            #expect(VersionCheck.decide(ours: 2, wroteOurs: wrote, found: found) == expected)
        }
    }

    @Test func anUndecodableVersionIsAMismatchWithoutTheirs() {
        let check = VersionCheck.decide(ours: 2, wroteOurs: false, found: ("version", [0xff]))
        #expect(!check.matches && check.theirs == nil)
        #expect(check.actions.count == 2)
        #expect(check.actions.last == .emit(.versionMismatch(ours: 2, theirs: nil)))
        guard case .trace(.failedToDecodeValue(key: "version", value: "ff", _)) = check.actions.first else {
            Issue.record("expected FailedToDecodeValue: \(check.actions)")
            return
        }
    }

    @Test func theOtherDialectsVersionIsTracedAndStillNamed() {
        // A master node finds Hydra 2.3.0's bare `01`; a 2.3.0 node finds master's value.
        for (ours, dialect, value, theirs) in [
            (UInt64(2), WireDialect.master, WireDialect.release.versionValue(1), UInt64(1)),
            (1, .release, WireDialect.master.versionValue(2), 2),
        ] {
            let check = VersionCheck.decide(ours: ours, dialect: dialect, wroteOurs: false, found: ("version", value))
            #expect(!check.matches && check.theirs == theirs)
            #expect(check.actions.last == .emit(.versionMismatch(ours: ours, theirs: theirs)))
            guard case .trace(.failedToDecodeValue(key: "version", _, _)) = check.actions.first else {
                Issue.record("expected FailedToDecodeValue: \(check.actions)")
                continue
            }
        }
        let same = VersionCheck.decide(ours: 1, dialect: .release, wroteOurs: false, found: ("version", [0x01]))
        #expect(same.matches && same.actions == [.trace(.matchingProtocolVersion(version: 1))])
    }
}

/// Issue 23: one classification of transient etcd errors, used by the client (failover) and the
/// component (retry after 1 s); the component adds only a lost lease, which it replaces.
@Suite struct TransientErrorTests {
    @Test func theComponentRetriesWhatTheClientCallsTransientAndALostLease() {
        let codes: [EtcdError.Code] = [
            .unavailable, .deadlineExceeded, .cancelled, .learner, .leaseNotFound, .compacted, .futureRevision, .invalidArgument,
            .permissionDenied, .membership, .configuration, .io, .protocolViolation, .internal,
        ]
        for code in codes {
            let error = EtcdError(code: code, message: "x")
            #expect(error.isTransient == [.unavailable, .deadlineExceeded, .cancelled, .learner].contains(code), "\(code)")
            #expect((EtcdNetwork<PayloadCodec>.retryable(error) != nil) == (error.isTransient || code == .leaseNotFound), "\(code)")
        }
        #expect(EtcdNetwork<PayloadCodec>.retryable(CancellationError()) == nil)
    }
}
