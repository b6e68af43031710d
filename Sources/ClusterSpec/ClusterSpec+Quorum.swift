extension ClusterSpec {
    /// Members needed for a majority of `members` voting members (`members / 2 + 1`): etcd's
    /// raft rule, written once.
    public static func quorum(of members: Int) -> Int { members / 2 + 1 }

    /// Members needed for a majority of this spec's nodes.
    public var quorum: Int { Self.quorum(of: nodes.count) }
}
