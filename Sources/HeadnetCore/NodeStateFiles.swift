/// The names of the files in a node's state directory (`<state>/<cluster>/<node>/`), written
/// once for the node that writes them and the commands that read them.
public enum NodeStateFiles {
    /// The running `headnet node` process's pid (written by whoever started it).
    public static let nodePID = "node.pid"
    /// The node's etcd child's pid (written by the node).
    public static let etcdPID = "etcd.pid"
    /// The lock a running node holds on the directory.
    public static let lock = "node.lock"
    /// The node's log (standard error).
    public static let log = "node.log"
    /// The network component's trace, one JSON line per event.
    public static let trace = "trace.ndjson"
    /// The delivered journal (NDJSON, one entry per message).
    public static let journal = "delivered.ndjson"
    /// The last revision whose messages were delivered (a bare JSON number).
    public static let lastKnownRevision = "last-known-revision"
    /// The broadcast queue's directory (an append-only log).
    public static let queue = "pending-broadcast"
    /// The batch-in-flight marker of versions before the queue's log (moved into it on start).
    public static let legacyInFlightMarker = "broadcast-in-flight"
    /// The directory of the idempotency keys of broadcasts that left the queue (`keys-1`,
    /// `keys-2` …): with the keys in the queue's log, the window of keys the node remembers.
    public static let idempotencyKeys = "idempotency-keys"
    /// Present while the node is stopped with `headnet stop` (`up` leaves it stopped).
    public static let held = "held"
    /// The node's etcd config file.
    public static let etcdConfig = "etcd.conf.yml"
    /// The directory of the node's etcd data directories (one per founding cluster, named by
    /// the hash of its initial cluster as Hydra names them).
    public static let etcdData = "etcd"
    /// Present when the node's etcd member was added to a running cluster (MemberAdd) and has
    /// not started yet: its etcd, on an empty data directory, joins as `existing` even when the
    /// node is a founder (a founder removed and added back). The node deletes it once its data
    /// directory holds a member.
    public static let joinExisting = "join-existing"

    /// What the node's network component and journal keep about the cluster's data — what a
    /// restore from a snapshot must remove with the etcd data (a node that kept them would
    /// deliver against a history the restored cluster does not have). The idempotency keys go
    /// with the queue: a key kept for a broadcast the restored history lacks would make a retry
    /// of it be answered 202 and never sent; forgotten, a retry is sent again (at least once).
    public static let dataState = [lastKnownRevision, journal, queue, legacyInFlightMarker, idempotencyKeys]
}
