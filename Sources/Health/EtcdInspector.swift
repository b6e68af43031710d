import EtcdClient

/// Reads a ``ClusterSnapshot`` from etcd endpoints (`http://` or `https://` URLs).
public struct EtcdInspector: Sendable {
    /// The endpoints, one per member.
    public var endpoints: [String]
    /// Client TLS for `https://` endpoints.
    public var tls: EtcdClientConfiguration.TLS?
    /// Deadline of each call.
    public var timeout: Duration
    /// What to call each endpoint's member in the snapshot (default: the endpoint URL).
    public var names: [String]

    /// An inspector of `endpoints`, their members called `names` (node names, say).
    public init(endpoints: [String], names: [String]? = nil, tls: EtcdClientConfiguration.TLS? = nil, timeout: Duration = .seconds(2)) {
        self.endpoints = endpoints
        self.names = names ?? endpoints
        self.tls = tls
        self.timeout = timeout
    }

    /// Reads the snapshot; never throws: what cannot be read is recorded as such.
    public func snapshot() async -> ClusterSnapshot {
        var snapshot = ClusterSnapshot()
        for (endpoint, name) in zip(endpoints, names) {
            do {
                let status = try await withClient([endpoint]) { etcd in try await etcd.status(endpoint: 0) }
                // The alarm list goes through raft: without a leader it does not answer, which
                // says nothing more about this member than `has leader` does.
                let alarms = (try? await withClient([endpoint]) { etcd in try await etcd.alarms() }) ?? []
                let own = alarms.filter { $0.memberID == status.header.memberID }.map(\.kind.rawValue)
                snapshot.members.append(MemberStatus(
                    name: name, leader: status.leader, raftTerm: status.raftTerm, raftIndex: status.raftIndex,
                    alarms: own, dbSize: status.dbSize, dbSizeInUse: status.dbSizeInUse))
            } catch {
                snapshot.members.append(.unreachable(name))
                continue
            }
            do {
                // As `etcdctl endpoint health`: a linearizable read needs the leader and a quorum.
                _ = try await withClient([endpoint]) { etcd in try await etcd.get("health") }
            } catch {
                snapshot.unhealthy[name] = "\(error)"
            }
        }
        guard snapshot.members.contains(where: { $0.reachable && $0.leader != 0 }) else {
            // Reads need a leader: without one they would only run into their deadline.
            snapshot.readError = "no member knows a leader"
            return snapshot
        }
        do {
            try await withClient(endpoints) { etcd in
                snapshot.memberNames = try await etcd.memberList().members.map(\.name)
                let version = try await etcd.range(EtcdKeyRange(key: Array("version".utf8)))
                snapshot.version = version.kvs.first?.value
                snapshot.revision = version.header.revision
                snapshot.alive = try await etcd.range(.prefix("alive-")).kvs.map { ($0.keyString, $0.value) }
                snapshot.lastMessages = try await etcd.range(.prefix("msg-"), EtcdRangeOptions(keysOnly: true)).kvs.map {
                    (String($0.keyString.dropFirst(4)), $0.modRevision)
                }
            }
        } catch {
            snapshot.readError = "\(error)"
        }
        return snapshot
    }

    private func withClient<T: Sendable>(_ endpoints: [String], _ body: (EtcdClient) async throws -> T) async throws -> T {
        try await EtcdClient.withClient(
            EtcdClientConfiguration(endpoints: endpoints, tls: tls, requestTimeout: timeout, failoverTimeout: endpoints.count > 1 ? timeout * 2 : .zero), body)
    }
}
