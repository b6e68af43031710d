import EtcdAPI

/// Who answered a call and at which store revision.
public struct EtcdResponseHeader: Sendable, Hashable {
    /// ID of the cluster.
    public var clusterID: UInt64
    /// ID of the member that answered.
    public var memberID: UInt64
    /// The key-value store revision when the request was applied.
    public var revision: Int64
    /// The raft term when the request was applied.
    public var raftTerm: UInt64

    init(_ header: Etcdserverpb_ResponseHeader) {
        clusterID = header.clusterID
        memberID = header.memberID
        revision = header.revision
        raftTerm = header.raftTerm
    }
}

/// One key with its value and revisions.
public struct EtcdKeyValue: Sendable, Hashable {
    /// The key bytes.
    public var key: [UInt8]
    /// The value bytes.
    public var value: [UInt8]
    /// Revision of the key's last creation.
    public var createRevision: Int64
    /// Revision of the key's last modification.
    public var modRevision: Int64
    /// Number of modifications since creation.
    public var version: Int64
    /// Lease attached to the key, 0 for none.
    public var lease: Int64

    init(_ kv: Mvccpb_KeyValue) {
        key = Array(kv.key)
        value = Array(kv.value)
        createRevision = kv.createRevision
        modRevision = kv.modRevision
        version = kv.version
        lease = kv.lease
    }

    /// The key decoded as UTF-8 (invalid bytes are replaced).
    public var keyString: String { String(decoding: key, as: UTF8.self) }
    /// The value decoded as UTF-8 (invalid bytes are replaced).
    public var valueString: String { String(decoding: value, as: UTF8.self) }
}

/// A key or a range of keys `[key, rangeEnd)`.
public struct EtcdKeyRange: Sendable, Hashable {
    /// First key of the range.
    public var key: [UInt8]
    /// End of the range (exclusive); empty for the single key; `[0]` for every key ≥ `key`.
    public var rangeEnd: [UInt8]

    /// A range from `key` up to, not including, `rangeEnd`.
    public init(key: [UInt8], rangeEnd: [UInt8] = []) {
        self.key = key
        self.rangeEnd = rangeEnd
    }

    /// Exactly one key.
    public static func key(_ key: String) -> EtcdKeyRange { EtcdKeyRange(key: Array(key.utf8)) }

    /// The keys between `from` (inclusive) and `to` (exclusive), e.g. `alive`..`alivf`.
    public static func between(_ from: String, _ to: String) -> EtcdKeyRange {
        EtcdKeyRange(key: Array(from.utf8), rangeEnd: Array(to.utf8))
    }

    /// Every key that starts with `prefix` (the range end is the prefix with its last byte + 1).
    public static func prefix(_ prefix: String) -> EtcdKeyRange {
        EtcdKeyRange.prefix(Array(prefix.utf8))
    }

    /// Every key that starts with the `prefix` bytes.
    public static func prefix(_ prefix: [UInt8]) -> EtcdKeyRange {
        var end = prefix
        while let last = end.last {
            if last < 0xff {
                end[end.count - 1] = last + 1
                return EtcdKeyRange(key: prefix, rangeEnd: end)
            }
            end.removeLast()
        }
        return EtcdKeyRange(key: prefix, rangeEnd: [0])
    }
}

/// Result of a range read.
public struct EtcdRangeResult: Sendable, Hashable {
    /// Response header.
    public var header: EtcdResponseHeader
    /// The keys found, in key order unless sorted otherwise.
    public var kvs: [EtcdKeyValue]
    /// Whether more keys exist beyond the limit.
    public var more: Bool
    /// Total number of keys in the range.
    public var count: Int64

    init(_ response: Etcdserverpb_RangeResponse) {
        header = EtcdResponseHeader(response.header)
        kvs = response.kvs.map(EtcdKeyValue.init)
        more = response.more
        count = response.count
    }
}

/// Result of a put.
public struct EtcdPutResult: Sendable, Hashable {
    /// Response header; its revision is the revision of this put.
    public var header: EtcdResponseHeader
    /// The previous key-value, when asked for.
    public var previous: EtcdKeyValue?

    init(_ response: Etcdserverpb_PutResponse) {
        header = EtcdResponseHeader(response.header)
        previous = response.hasPrevKv ? EtcdKeyValue(response.prevKv) : nil
    }
}

/// Result of a delete.
public struct EtcdDeleteResult: Sendable, Hashable {
    /// Response header.
    public var header: EtcdResponseHeader
    /// How many keys were deleted.
    public var deleted: Int64
    /// The deleted key-values, when asked for.
    public var previous: [EtcdKeyValue]

    init(_ response: Etcdserverpb_DeleteRangeResponse) {
        header = EtcdResponseHeader(response.header)
        deleted = response.deleted
        previous = response.prevKvs.map(EtcdKeyValue.init)
    }
}

/// Options of a range read.
public struct EtcdRangeOptions: Sendable, Hashable {
    /// Maximum number of keys, 0 for no limit.
    public var limit: Int64 = 0
    /// Read at this revision, 0 for the latest.
    public var revision: Int64 = 0
    /// Serve from the local member without going through the leader (may be stale).
    public var serializable: Bool = false
    /// Return keys without values.
    public var keysOnly: Bool = false
    /// Return only the count.
    public var countOnly: Bool = false

    /// Creates options; the defaults read everything at the latest revision, linearizably.
    public init(limit: Int64 = 0, revision: Int64 = 0, serializable: Bool = false, keysOnly: Bool = false, countOnly: Bool = false) {
        self.limit = limit
        self.revision = revision
        self.serializable = serializable
        self.keysOnly = keysOnly
        self.countOnly = countOnly
    }
}
