/// What a head's etcd looks like from outside, read with etcd calls only (no headnet node
/// needed, so it works against real `hydra-node`s): each endpoint's status, a linearizable read
/// per endpoint, and the cluster's member list, `version`, `alive-` and `msg-` keys.
public struct ClusterSnapshot: Sendable {
    /// Each endpoint's status (unreachable ones included), in endpoint order.
    public var members: [MemberStatus] = []
    /// Members (by their name in ``members``) whose linearizable read failed, with the reason.
    public var unhealthy: [String: String] = [:]
    /// Member names from the member list (Hydra names members by their advertised `host:port`).
    public var memberNames: [String] = []
    /// The `version` key's value (nil when absent or unreadable).
    public var version: [UInt8]?
    /// The `alive-` keys and values.
    public var alive: [(key: String, value: [UInt8])] = []
    /// Per sender (`msg-<host:port>`), the revision of its last put.
    public var lastMessages: [(sender: String, revision: Int64)] = []
    /// The cluster's revision when the keys were read.
    public var revision: Int64 = 0
    /// Why the cluster-wide reads failed, if they did.
    public var readError: String?

    /// An empty snapshot.
    public init() {}
}
