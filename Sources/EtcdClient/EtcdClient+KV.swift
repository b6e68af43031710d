import EtcdAPI
import Foundation

extension EtcdClient {
    static func putRequest(key: [UInt8], value: [UInt8], lease: Int64, previous: Bool) -> Etcdserverpb_PutRequest {
        var request = Etcdserverpb_PutRequest()
        request.key = Data(key)
        request.value = Data(value)
        request.lease = lease
        request.prevKv = previous
        return request
    }

    static func rangeRequest(_ range: EtcdKeyRange, _ options: EtcdRangeOptions) -> Etcdserverpb_RangeRequest {
        var request = Etcdserverpb_RangeRequest()
        request.key = Data(range.key)
        request.rangeEnd = Data(range.rangeEnd)
        request.limit = options.limit
        request.revision = options.revision
        request.serializable = options.serializable
        request.keysOnly = options.keysOnly
        request.countOnly = options.countOnly
        return request
    }

    static func deleteRequest(_ range: EtcdKeyRange, previous: Bool) -> Etcdserverpb_DeleteRangeRequest {
        var request = Etcdserverpb_DeleteRangeRequest()
        request.key = Data(range.key)
        request.rangeEnd = Data(range.rangeEnd)
        request.prevKv = previous
        return request
    }

    /// Puts `value` at `key`, optionally attached to a lease.
    @discardableResult
    public func put(key: [UInt8], value: [UInt8], lease: Int64 = 0, previous: Bool = false) async throws -> EtcdPutResult {
        let request = Self.putRequest(key: key, value: value, lease: lease, previous: previous)
        return try await perform("put", mutation: true) { connection, options in
            EtcdPutResult(try await connection.kv.put(request, options: options))
        }
    }

    /// Puts a UTF-8 string value at a string key.
    @discardableResult
    public func put(_ key: String, _ value: String, lease: Int64 = 0) async throws -> EtcdPutResult {
        try await put(key: Array(key.utf8), value: Array(value.utf8), lease: lease)
    }

    /// Reads a key or a range of keys.
    public func range(_ range: EtcdKeyRange, _ options: EtcdRangeOptions = EtcdRangeOptions()) async throws -> EtcdRangeResult {
        let request = Self.rangeRequest(range, options)
        return try await perform("range", mutation: false) { connection, callOptions in
            EtcdRangeResult(try await connection.kv.range(request, options: callOptions))
        }
    }

    /// Reads one key; nil when it does not exist.
    public func get(_ key: String, _ options: EtcdRangeOptions = EtcdRangeOptions()) async throws -> EtcdKeyValue? {
        try await range(.key(key), options).kvs.first
    }

    /// Deletes a key or a range of keys.
    @discardableResult
    public func delete(_ range: EtcdKeyRange, previous: Bool = false) async throws -> EtcdDeleteResult {
        let request = Self.deleteRequest(range, previous: previous)
        return try await perform("delete", mutation: true) { connection, options in
            EtcdDeleteResult(try await connection.kv.deleteRange(request, options: options))
        }
    }

    /// Runs a transaction: if every compare holds, `success` runs, otherwise `failure`.
    public func txn(compare: [EtcdCompare], success: [EtcdTxnOp], failure: [EtcdTxnOp] = []) async throws -> EtcdTxnResult {
        var request = Etcdserverpb_TxnRequest()
        request.compare = compare.map(\.proto)
        request.success = success.map(\.proto)
        request.failure = failure.map(\.proto)
        let readOnly = (success + failure).allSatisfy { if case .range = $0 { true } else { false } }
        return try await perform("txn", mutation: !readOnly) { connection, options in
            EtcdTxnResult(try await connection.kv.txn(request, options: options))
        }
    }

    /// Compacts the key-value history up to `revision`; with `physical`, waits until the
    /// compaction is applied on disk.
    @discardableResult
    public func compact(revision: Int64, physical: Bool = false) async throws -> EtcdResponseHeader {
        var request = Etcdserverpb_CompactionRequest()
        request.revision = revision
        request.physical = physical
        return try await perform("compact", mutation: true) { connection, options in
            EtcdResponseHeader(try await connection.kv.compact(request, options: options).header)
        }
    }
}
