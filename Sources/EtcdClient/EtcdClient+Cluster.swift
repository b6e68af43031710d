import EtcdAPI

/// One member of the etcd cluster.
public struct EtcdMember: Sendable, Hashable {
    /// The member ID.
    public var id: UInt64
    /// The member's name; empty for a member added but not yet started.
    public var name: String
    /// URLs the member talks raft on.
    public var peerURLs: [String]
    /// URLs the member serves clients on; empty until it has started.
    public var clientURLs: [String]
    /// Whether the member is a non-voting learner.
    public var isLearner: Bool

    init(_ member: Etcdserverpb_Member) {
        id = member.id
        name = member.name
        peerURLs = member.peerUrls
        clientURLs = member.clientUrls
        isLearner = member.isLearner
    }

    /// The ID as etcdctl prints it (lower-case hex).
    public var hexID: String { String(id, radix: 16) }
}

extension EtcdClient {
    /// Lists the cluster's members (linearizable: answered through the leader).
    public func memberList() async throws -> (header: EtcdResponseHeader, members: [EtcdMember]) {
        try await perform("memberList", mutation: false) { connection, options in
            let response = try await connection.cluster.memberList(Etcdserverpb_MemberListRequest(), options: options)
            return (EtcdResponseHeader(response.header), response.members.map(EtcdMember.init))
        }
    }

    /// Adds a member with the given peer URLs; as a learner it does not vote until promoted.
    /// Start the new member's etcd with `initial-cluster-state: existing` afterwards.
    public func memberAdd(peerURLs: [String], learner: Bool = false) async throws -> (member: EtcdMember, members: [EtcdMember]) {
        var request = Etcdserverpb_MemberAddRequest()
        request.peerUrls = peerURLs
        request.isLearner = learner
        return try await perform("memberAdd", mutation: true) { connection, options in
            let response = try await connection.cluster.memberAdd(request, options: options)
            return (EtcdMember(response.member), response.members.map(EtcdMember.init))
        }
    }

    /// Promotes a learner to a voting member; etcd refuses until the learner has caught up.
    @discardableResult
    public func memberPromote(id: UInt64) async throws -> [EtcdMember] {
        var request = Etcdserverpb_MemberPromoteRequest()
        request.id = id
        return try await perform("memberPromote", mutation: true) { connection, options in
            try await connection.cluster.memberPromote(request, options: options).members.map(EtcdMember.init)
        }
    }

    /// Removes a member from the cluster.
    @discardableResult
    public func memberRemove(id: UInt64) async throws -> [EtcdMember] {
        var request = Etcdserverpb_MemberRemoveRequest()
        request.id = id
        return try await perform("memberRemove", mutation: true) { connection, options in
            try await connection.cluster.memberRemove(request, options: options).members.map(EtcdMember.init)
        }
    }

    /// Changes a member's peer URLs.
    @discardableResult
    public func memberUpdate(id: UInt64, peerURLs: [String]) async throws -> [EtcdMember] {
        var request = Etcdserverpb_MemberUpdateRequest()
        request.id = id
        request.peerUrls = peerURLs
        return try await perform("memberUpdate", mutation: true) { connection, options in
            try await connection.cluster.memberUpdate(request, options: options).members.map(EtcdMember.init)
        }
    }
}
