import Foundation

/// The network component's trace, one JSON object per line: every constructor of Hydra's
/// `EtcdLog` plus headnet's additions (marked below).
public enum EtcdLog: Sendable, Equatable {
    /// A line of etcd's own JSON log.
    case etcdLog(json: String)
    /// A gRPC connection is being re-established.
    case reconnecting
    /// A broadcast put failed; it is retried after 1 s.
    case broadcastFailed(reason: String)
    /// etcd wrote a line to stderr that is not JSON.
    case failedToDecodeLog(log: String, reason: String)
    /// A value read from etcd did not decode.
    case failedToDecodeValue(key: String, value: String, reason: String)
    /// The connectivity lease was granted.
    case createdLease(leaseId: Int64)
    /// The connectivity lease ran out (TTL ≤ 0); a new one is granted.
    case lowLeaseTTL(ttlRemaining: Int64)
    /// The keepalive stream closed without an answer.
    case noKeepAliveResponse
    /// Our `version` was written or matched.
    case matchingProtocolVersion(version: UInt64)
    /// The message watch starts at this revision.
    case watchMessagesStartRevision(startRevision: Int64)
    /// The watch's start revision was compacted; it resumes from the compact revision.
    case watchMessagesFallbackTo(compactRevision: Int64)
    /// The watch stream failed; it restarts from the last known revision.
    case watchFailed(reason: String)
    /// A broadcast retry found its earlier attempt already committed.
    case broadcastDeduped(previousModRev: Int64, observedModRev: Int64)
    /// The broadcast queue is full; `broadcast` waits.
    case persistentQueueFull
    /// headnet: a network event was emitted.
    case networkEvent(NetworkEvent)
    /// headnet: a batch of `messages` was written at `revision`; `firstItem` is the queue index
    /// of its first message (the batch holds the queue items `firstItem ..< firstItem + messages`).
    case broadcastSent(messages: Int, revision: Int64, firstItem: UInt64)

    /// The constructor name, as in Hydra's JSON `tag`.
    public var tag: String {
        switch self {
        case .etcdLog: "EtcdLog"
        case .reconnecting: "Reconnecting"
        case .broadcastFailed: "BroadcastFailed"
        case .failedToDecodeLog: "FailedToDecodeLog"
        case .failedToDecodeValue: "FailedToDecodeValue"
        case .createdLease: "CreatedLease"
        case .lowLeaseTTL: "LowLeaseTTL"
        case .noKeepAliveResponse: "NoKeepAliveResponse"
        case .matchingProtocolVersion: "MatchingProtocolVersion"
        case .watchMessagesStartRevision: "WatchMessagesStartRevision"
        case .watchMessagesFallbackTo: "WatchMessagesFallbackTo"
        case .watchFailed: "WatchFailed"
        case .broadcastDeduped: "BroadcastDeduped"
        case .persistentQueueFull: "PersistentQueueFull"
        case .networkEvent(let event): event.name
        case .broadcastSent: "BroadcastSent"
        }
    }

    /// The entry as one JSON object: `{"tag": …, fields…}` (etcd's own line is nested as `etcd`).
    public var jsonLine: String {
        // One per batch sent, hundreds a second under load: put together by hand (the same
        // sorted keys JSONSerialization writes).
        if case .broadcastSent(let messages, let revision, let firstItem) = self {
            return #"{"firstItem":\#(firstItem),"messages":\#(messages),"revision":\#(revision),"tag":"BroadcastSent"}"#
        }
        var fields: [String: Any] = ["tag": tag]
        switch self {
        case .etcdLog(let json):
            fields["etcd"] = (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) ?? json
        case .reconnecting, .noKeepAliveResponse, .persistentQueueFull: break
        case .broadcastFailed(let reason), .watchFailed(let reason): fields["reason"] = reason
        case .failedToDecodeLog(let log, let reason):
            fields["log"] = log
            fields["reason"] = reason
        case .failedToDecodeValue(let key, let value, let reason):
            fields["key"] = key
            fields["value"] = value
            fields["reason"] = reason
        case .createdLease(let id): fields["leaseId"] = id
        case .lowLeaseTTL(let ttl): fields["ttlRemaining"] = ttl
        case .matchingProtocolVersion(let version): fields["version"] = version
        case .watchMessagesStartRevision(let revision): fields["startRevision"] = revision
        case .watchMessagesFallbackTo(let revision): fields["compactRevision"] = revision
        case .broadcastDeduped(let previous, let observed):
            fields["previousModRev"] = previous
            fields["observedModRev"] = observed
        case .broadcastSent(let messages, let revision, let firstItem):
            fields["messages"] = messages
            fields["revision"] = revision
            fields["firstItem"] = firstItem
        case .networkEvent(let event):
            switch event {
            case .networkConnected, .networkDisconnected: break
            case .peerConnected(let host), .peerDisconnected(let host): fields["peer"] = host.description
            case .versionMismatch(let ours, let theirs):
                fields["ourVersion"] = ours
                fields["theirVersion"] = theirs.map { $0 as Any } ?? NSNull()
            case .clusterIDMismatch(let peers): fields["clusterPeers"] = peers
            case .messagesMissed(let from, let to):
                fields["from"] = from
                fields["to"] = to
            }
        }
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{\"tag\":\"\(tag)\"}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Receives trace entries; `headnet node` writes them as JSON lines.
public typealias EtcdTracer = @Sendable (EtcdLog) -> Void
