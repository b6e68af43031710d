import HeadnetCore

extension ClusterSpec {
    /// Members needed for a majority of `members` voting members (``HeadnetCore/Quorum``): etcd's
    /// raft rule, written once.
    public static func quorum(of members: Int) -> Int { Quorum.of(members) }

    /// Members needed for a majority of this spec's nodes.
    public var quorum: Int { Self.quorum(of: nodes.count) }
}
