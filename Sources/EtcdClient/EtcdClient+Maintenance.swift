import EtcdAPI
import Foundation
import GRPCCore
import NIOPosix

/// One member's view of itself and the cluster (etcd's Maintenance Status RPC).
public struct EtcdStatus: Sendable, Hashable {
    /// Response header (member ID, revision, raft term).
    public var header: EtcdResponseHeader
    /// etcd server version, e.g. `3.4.23`.
    public var version: String
    /// Size of the backend database in bytes.
    public var dbSize: Int64
    /// Bytes of the database actually in use (the rest is freed by defragmentation).
    public var dbSizeInUse: Int64
    /// Member ID of the leader this member knows of, 0 when it has none.
    public var leader: UInt64
    /// Raft log index.
    public var raftIndex: UInt64
    /// Raft term.
    public var raftTerm: UInt64
    /// Raft applied index.
    public var raftAppliedIndex: UInt64
    /// Errors the member reports (e.g. alarms).
    public var errors: [String]
    /// Whether the member is a learner.
    public var isLearner: Bool

    /// Whether this member is the leader.
    public var isLeader: Bool { leader != 0 && leader == header.memberID }
}

/// An active alarm.
public struct EtcdAlarm: Sendable, Hashable {
    /// Which alarm.
    public enum Kind: String, Sendable, Hashable {
        /// The backend database hit its quota; the cluster only serves reads and deletes.
        case noSpace = "NOSPACE"
        /// Data corruption was detected.
        case corrupt = "CORRUPT"
        /// An alarm this client does not know.
        case unknown = "UNKNOWN"
    }

    /// The member the alarm is raised on.
    public var memberID: UInt64
    /// The alarm.
    public var kind: Kind
}

extension EtcdClient {
    /// Asks one member for its status; without `endpoint`, the preferred one (with failover).
    public func status(endpoint: Int? = nil) async throws -> EtcdStatus {
        try await perform("status", mutation: false, endpoint: endpoint) { connection, options in
            let r = try await connection.maintenance.status(Etcdserverpb_StatusRequest(), options: options)
            return EtcdStatus(
                header: EtcdResponseHeader(r.header), version: r.version, dbSize: r.dbSize, dbSizeInUse: r.dbSizeInUse,
                leader: r.leader, raftIndex: r.raftIndex, raftTerm: r.raftTerm, raftAppliedIndex: r.raftAppliedIndex,
                errors: r.errors, isLearner: r.isLearner)
        }
    }

    /// Lists the active alarms of the cluster.
    public func alarms() async throws -> [EtcdAlarm] {
        var request = Etcdserverpb_AlarmRequest()
        request.action = .get
        return try await perform("alarmList", mutation: false) { connection, options in
            try await connection.maintenance.alarm(request, options: options).alarms.map(Self.alarm)
        }
    }

    /// Clears every active alarm (after the cause — e.g. a full disk — has been fixed).
    @discardableResult
    public func disarmAlarms() async throws -> [EtcdAlarm] {
        let active = try await alarms()
        var cleared: [EtcdAlarm] = []
        for alarm in active {
            var request = Etcdserverpb_AlarmRequest()
            request.action = .deactivate
            request.memberID = alarm.memberID
            request.alarm = alarm.kind == .corrupt ? .corrupt : .nospace
            cleared += try await perform("alarmDisarm", mutation: true) { connection, options in
                try await connection.maintenance.alarm(request, options: options).alarms.map(Self.alarm)
            }
        }
        return cleared
    }

    private static func alarm(_ member: Etcdserverpb_AlarmMember) -> EtcdAlarm {
        let kind: EtcdAlarm.Kind =
            switch member.alarm {
            case .nospace: .noSpace
            case .corrupt: .corrupt
            default: .unknown
            }
        return EtcdAlarm(memberID: member.memberID, kind: kind)
    }

    /// Defragments one member's backend database (it blocks that member while it runs).
    public func defragment(endpoint: Int) async throws {
        _ = try await perform("defragment", mutation: true, endpoint: endpoint, timeout: .seconds(120)) { connection, options in
            try await connection.maintenance.defragment(Etcdserverpb_DefragmentRequest(), options: options).header.revision
        }
    }

    /// Hash of one member's key-value store up to `revision` (0: latest), for consistency checks.
    public func hashKV(endpoint: Int, revision: Int64 = 0) async throws -> (hash: UInt32, compactRevision: Int64, header: EtcdResponseHeader) {
        var request = Etcdserverpb_HashKVRequest()
        request.revision = revision
        return try await perform("hashKV", mutation: false, endpoint: endpoint) { connection, options in
            let r = try await connection.maintenance.hashKV(request, options: options)
            return (r.hash, r.compactRevision, EtcdResponseHeader(r.header))
        }
    }

    /// Moves raft leadership to `memberID`; must be sent to the current leader's endpoint.
    public func moveLeader(to memberID: UInt64, endpoint: Int) async throws {
        var request = Etcdserverpb_MoveLeaderRequest()
        request.targetID = memberID
        _ = try await perform("moveLeader", mutation: true, endpoint: endpoint, timeout: .seconds(30)) { connection, options in
            try await connection.maintenance.moveLeader(request, options: options).header.revision
        }
    }

    /// Streams a snapshot of one member's database into `path` and returns its size in bytes.
    ///
    /// The data goes to `<path>.part`, is fsynced, and is renamed to `path` only when the stream
    /// completed, so a failed snapshot never leaves a truncated file under the final name.
    @discardableResult
    public func snapshot(to path: String, endpoint: Int? = nil) async throws -> Int64 {
        let partial = path + ".part"
        let target = endpoint ?? currentConnection().index
        return try await perform("snapshot", mutation: false, endpoint: target, timeout: .seconds(600)) { connection, options in
            guard FileManager.default.createFile(atPath: partial, contents: nil) else {
                throw EtcdError(code: .io, message: "cannot create \(partial); check that the directory exists and is writable")
            }
            do {
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
                defer { try? handle.close() }
                let written = try await connection.maintenance.snapshot(Etcdserverpb_SnapshotRequest(), options: options) { response in
                    var total: Int64 = 0
                    var finished = false
                    for try await chunk in response.messages {
                        try handle.write(contentsOf: chunk.blob)
                        total += Int64(chunk.blob.count)
                        finished = chunk.remainingBytes == 0
                    }
                    guard finished else {
                        throw EtcdError(code: .protocolViolation, message: "the snapshot stream ended before its last chunk; try again")
                    }
                    return total
                }
                // fsync off the concurrency pool.
                try await NIOThreadPool.singleton.runIfActive { try handle.synchronize() }
                try? FileManager.default.removeItem(atPath: path)
                try FileManager.default.moveItem(atPath: partial, toPath: path)
                return written
            } catch {
                try? FileManager.default.removeItem(atPath: partial)
                throw error
            }
        }
    }
}
