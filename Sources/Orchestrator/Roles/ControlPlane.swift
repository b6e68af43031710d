import ClusterSpec

/// The files of the machine running headnet: the spec, the cluster's PKI, the record of nodes
/// held stopped, the cluster's state directory (``LocalControlPlane``).
public protocol ControlPlane: Sendable {
    /// The cluster.
    var spec: ClusterSpec { get }
    /// Whether the certificates the spec needs exist (always, with TLS off).
    var certificatesPresent: Bool { get }
    /// Whether the cluster's CA key is kept, so certificates can be issued for a new node.
    var keepsCAKey: Bool { get }
    /// Whether the node was stopped with `headnet stop`, so that `up` leaves it stopped.
    func isHeld(_ node: NodeSpec) -> Bool
    /// Records (`held`) or forgets that the node was stopped with `headnet stop`.
    func setHeld(_ node: NodeSpec, _ held: Bool) async throws
    /// Creates the cluster's certificates; returns where they are.
    func createCertificates() async throws -> String
    /// Issues new leaf certificates from the kept CA next to the ones in use, with the
    /// revocation list that will revoke those; says what it issued.
    func issueCertificates() async throws -> String
    /// Puts the new certificates of `node` (`nil`: the client's) in place of the old ones; says which.
    func installCertificates(of node: NodeSpec?) async throws -> String
    /// Installs the pending revocation list; says what it revokes.
    func revokeCertificates() async throws -> String
    /// Issues `node`'s certificates from the cluster's kept CA (for `spec`, which lists it);
    /// returns where they are.
    func issueNodeCertificates(_ node: NodeSpec, in spec: ClusterSpec) async throws -> String
    /// Replaces the spec file's contents with `text` (atomically); returns the file's path.
    func writeSpec(_ text: String) async throws -> String
    /// Deletes the cluster's state; returns what was removed. Refuses while any process of the
    /// cluster still runs.
    func purgeState() async throws -> String
    /// The spec file as the user named it, for the commands suggested on failure.
    var specArgument: String { get }
}
