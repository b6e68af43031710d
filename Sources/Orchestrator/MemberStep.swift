/// A step of a member change (`headnet member add | remove | promote`): an etcd membership call,
/// a wait on a learner, or a change to the spec file or a removed member's data. A plan holds
/// it as ``Step/member(_:)``, next to process steps such as ``Step/start(node:)``.
public enum MemberStep: Sendable, Hashable {
    /// What a spec write does to the node.
    public enum SpecChange: String, Sendable, Hashable {
        /// The node is written into `nodes:`.
        case added
        /// The node is taken out of `nodes:`.
        case removed
        /// The file gets back its text from before the change (undoing an add).
        case restored
    }

    /// Add the node's peer URL to etcd's members (MemberAdd), as a learner or a voting member, and
    /// mark the node as joining the running cluster (its `join-existing` file: its etcd starts
    /// `existing` even when the node is a founder added back).
    case add(node: String, learner: Bool)
    /// Issue the node's server and peer certificates from the cluster's kept CA (TLS on).
    case issueCertificates(node: String)
    /// Write the spec file: `text` is its new contents; `inPlace` when the earlier file was
    /// edited (comments kept) rather than rewritten whole.
    case writeSpec(node: String, change: SpecChange, text: String, inPlace: Bool)
    /// Wait until the node's etcd (a learner) has applied the raft log up to the leader's index
    /// at the start of the wait, at most `timeoutSeconds`.
    case waitCaughtUp(node: String, timeoutSeconds: Int)
    /// Promote the node's learner member to a voting member; etcd refuses until the learner is
    /// in sync with the leader, so this asks again until `timeoutSeconds` pass.
    case promote(node: String, timeoutSeconds: Int)
    /// Remove the node's member from etcd (MemberRemove); nothing to do when it is not one.
    case remove(node: String)
    /// Delete the node's etcd data directory: a removed member cannot rejoin with it.
    case removeEtcdData(node: String)
    /// Wait until the node's broadcast queue is empty (what it accepted is in etcd), at most
    /// `timeoutSeconds`; with 0, only check (a stopped node's queue on disk).
    case drainQueue(node: String, timeoutSeconds: Int)

    /// The node the step is about.
    public var node: String {
        switch self {
        case .add(let node, _), .issueCertificates(let node), .writeSpec(let node, _, _, _), .waitCaughtUp(let node, _), .promote(let node, _),
            .remove(let node), .removeEtcdData(let node), .drainQueue(let node, _):
            node
        }
    }

    /// The kind of step, as in JSON reports: `member-add`, `write-spec`, …
    public var kind: String {
        switch self {
        case .add: "member-add"
        case .issueCertificates: "issue-node-certificates"
        case .writeSpec: "write-spec"
        case .waitCaughtUp: "wait-learner-synced"
        case .promote: "member-promote"
        case .remove: "member-remove"
        case .removeEtcdData: "remove-etcd-data"
        case .drainQueue: "drain-queue"
        }
    }
}
