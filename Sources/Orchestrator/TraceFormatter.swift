import Foundation

/// Turns a node's trace lines (JSON, `trace.ndjson`) into readable ones for `headnet logs
/// --trace`: the time, then what happened, peers and senders by node name.
///
/// ```
/// 15:26:22.120  broadcast    queued 5 bytes
/// 15:26:22.131  broadcast    sent 1 message at revision 42
/// 15:26:22.133  delivered    #7 from alice at revision 42 (5 bytes)
/// 15:26:23.004  connectivity peer bob connected
/// ```
public struct TraceFormatter: Sendable {
    /// Node names by advertised address (`127.0.0.1:5001` → `alice`).
    public var names: [String: String]

    /// A formatter naming peers with `names`.
    public init(names: [String: String] = [:]) {
        self.names = names
    }

    /// The readable line, or nil for lines that are not events (etcd's own log lines, non-JSON).
    public func format(_ line: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let tag = object["tag"] as? String, tag != "EtcdLog"
        else { return nil }
        let (kind, text) = describe(tag, object)
        return "\(time(object["time"] as? String))  \(kind + String(repeating: " ", count: max(0, 12 - kind.count))) \(text)"
    }

    private func describe(_ tag: String, _ object: [String: Any]) -> (String, String) {
        func int(_ key: String) -> Int64 { (object[key] as? NSNumber)?.int64Value ?? 0 }
        func string(_ key: String) -> String { object[key].map { "\($0)" } ?? "?" }
        switch tag {
        case "BroadcastQueued": return ("broadcast", "queued \(int("bytes")) bytes")
        case "BroadcastSent":
            let count = int("messages")
            return ("broadcast", "sent \(count) message\(count == 1 ? "" : "s") at revision \(int("revision"))")
        case "BroadcastDeduped":
            return ("broadcast", "retry found its batch already written (revision \(int("previousModRev")) → \(int("observedModRev")))")
        case "BroadcastFailed": return ("broadcast", "failed, retrying in 1 s: \(string("reason"))")
        case "PersistentQueueFull": return ("broadcast", "queue full: new broadcasts are refused until it drains")
        case "Delivered":
            return ("delivered", "#\(int("index")) from \(name(string("sender"))) at revision \(int("revision")) (\(int("bytes")) bytes)")
        case "NetworkConnected": return ("connectivity", "connected to a majority")
        case "NetworkDisconnected": return ("connectivity", "lost the majority")
        case "PeerConnected": return ("connectivity", "peer \(name(string("peer"))) connected")
        case "PeerDisconnected": return ("connectivity", "peer \(name(string("peer"))) disconnected")
        case "VersionMismatch":
            return ("version", "MISMATCH: ours \(string("ourVersion")), the cluster's \(object["theirVersion"] is NSNull ? "undecodable" : string("theirVersion"))")
        case "MatchingProtocolVersion": return ("version", "protocol version \(int("version")) confirmed")
        case "ClusterIDMismatch": return ("cluster", "CLUSTER ID MISMATCH with \(string("clusterPeers"))")
        case "MessagesMissed": return ("delivered", "MISSED revisions \(int("from"))…\(int("to")) (compacted)")
        case "WatchMessagesStartRevision": return ("watch", "starts at revision \(int("startRevision"))")
        case "WatchMessagesFallbackTo": return ("watch", "start compacted; resumes at revision \(int("compactRevision"))")
        case "WatchFailed": return ("watch", "failed, restarting: \(string("reason"))")
        case "CreatedLease": return ("lease", "granted \(int("leaseId"))")
        case "LowLeaseTTL": return ("lease", "ran out (TTL \(int("ttlRemaining"))); granting a new one")
        case "NoKeepAliveResponse": return ("lease", "no keepalive answer")
        case "Reconnecting": return ("etcd", "reconnecting")
        default:
            let fields = object.filter { $0.key != "tag" && $0.key != "time" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return (tag, fields.joined(separator: " "))
        }
    }

    private func name(_ address: String) -> String {
        names[address] ?? address
    }

    /// `HH:MM:SS.mmm` of an ISO 8601 time (the whole stamp when it has no `T`, blanks without one).
    private func time(_ stamp: String?) -> String {
        guard let stamp else { return String(repeating: " ", count: 12) }
        guard let t = stamp.firstIndex(of: "T") else { return stamp }
        return String(stamp[stamp.index(after: t)...].prefix(12))
    }
}
