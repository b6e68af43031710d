import Foundation

/// What a line of an etcd member's own log (its stderr) tells about the member, for the code
/// that runs etcd: the network component's child and the test harness's members.
public enum EtcdServerLog {
    /// Whether the line says the member serves clients: "ready to serve client requests" with
    /// etcd 3.4's default logger, "serving client traffic (in)securely" with zap.
    public static func isReady(_ line: String) -> Bool {
        line.contains("serving client traffic") || line.contains("ready to serve client requests")
    }

    /// Whether the line says this member's peers belong to another cluster (or it was already
    /// bootstrapped elsewhere).
    ///
    /// Read from etcd's source: the stream reader of 3.4 and 3.5 warns "request sent was ignored
    /// by remote peer due to cluster ID mismatch" on every dial (about ten times a second per
    /// stream); 3.5's pipeline logs "request sent was ignored due to cluster ID mismatch"; 3.4's
    /// pipeline writes a plain-text line "request sent was ignored (cluster ID mismatch: …)";
    /// peer status lines carry the reason in their `error` field.
    public static func isClusterIDMismatch(_ line: String) -> Bool {
        guard line.contains("cluster ID mismatch") || line.contains("already been bootstrapped") else { return false }
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return line.contains("request sent was ignored (cluster ID mismatch")
        }
        let message = object["msg"] as? String ?? ""
        let error = object["error"] as? String ?? ""
        if message.hasPrefix("request sent was ignored") && message.hasSuffix("due to cluster ID mismatch") { return true }
        if error.contains("cluster ID mismatch") { return true }
        return message.contains("has already been bootstrapped") || error.contains("has already been bootstrapped")
    }
}
