/// etcd's raft majority rule, written once.
public enum Quorum {
    /// Members needed for a majority of `members` voting members: more than half.
    public static func of(_ members: Int) -> Int { members / 2 + 1 }
}
