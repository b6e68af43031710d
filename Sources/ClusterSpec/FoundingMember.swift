import HeadnetCore
/// One entry of `initialCluster:`: a member the cluster was founded with, written
/// `name=host:port` (the node's name and advertised address, as in etcd's `--initial-cluster`).
///
/// The founders name every node's etcd data directory and make up the cluster's
/// ``ClusterSpec/identity``, so both stay the same while `headnet member add` and `remove` change
/// `nodes:`. A founder that was removed stays listed.
public struct FoundingMember: Sendable, Hashable, CustomStringConvertible {
    /// The node's name when the cluster was founded.
    public var name: String
    /// Its advertised address.
    public var advertise: Address

    /// Creates an entry.
    public init(name: String, advertise: Address) {
        self.name = name
        self.advertise = advertise
    }

    /// The entry for a node of the spec.
    public init(_ node: NodeSpec) {
        self.init(name: node.name, advertise: node.advertise)
    }

    /// Parses `name=host:port` (an IPv6 host in brackets).
    ///
    /// - Throws: ``SpecError`` `.invalid` saying what is wrong.
    public init(parsing text: String) throws(SpecError) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw SpecError(.invalid, "'\(text)' is not name=host:port (a founding node's name and advertised address, e.g. alice=127.0.0.1:5001)")
        }
        let address = String(text[text.index(after: equals)...])
        do {
            self.init(name: String(text[..<equals]), advertise: try Address(validating: address))
        } catch {
            throw SpecError(.invalid, "'\(text)': \(error.message)")
        }
    }

    /// `name=host:port`.
    public var description: String { "\(name)=\(advertise)" }
}
