import EtcdAPI
import Foundation

/// A condition of a transaction: `target(key) result value`.
public struct EtcdCompare: Sendable, Hashable {
    /// What the compare looks at, and the value to compare with.
    public enum Target: Sendable, Hashable {
        /// The key's version (0 when the key does not exist).
        case version(Int64)
        /// The key's create revision.
        case createRevision(Int64)
        /// The key's mod revision (0 when the key does not exist).
        case modRevision(Int64)
        /// The key's value.
        case value([UInt8])
        /// The key's lease.
        case lease(Int64)
    }

    /// The comparison operator.
    public enum Result: Sendable, Hashable {
        /// `==`
        case equal
        /// `!=`
        case notEqual
        /// `>`
        case greater
        /// `<`
        case less
    }

    /// The key compared.
    public var key: [UInt8]
    /// The operator.
    public var result: Result
    /// The target and its value.
    public var target: Target

    /// Creates a compare.
    public init(key: [UInt8], _ target: Target, _ result: Result) {
        self.key = key
        self.target = target
        self.result = result
    }

    /// Creates a compare on a string key.
    public init(key: String, _ target: Target, _ result: Result) {
        self.init(key: Array(key.utf8), target, result)
    }

    var proto: Etcdserverpb_Compare {
        var compare = Etcdserverpb_Compare()
        compare.key = Data(key)
        switch result {
        case .equal: compare.result = .equal
        case .notEqual: compare.result = .notEqual
        case .greater: compare.result = .greater
        case .less: compare.result = .less
        }
        switch target {
        case .version(let v): compare.target = .version; compare.version = v
        case .createRevision(let v): compare.target = .create; compare.createRevision = v
        case .modRevision(let v): compare.target = .mod; compare.modRevision = v
        case .value(let v): compare.target = .value; compare.value = Data(v)
        case .lease(let v): compare.target = .lease; compare.lease = v
        }
        return compare
    }
}

/// One operation inside a transaction branch.
public enum EtcdTxnOp: Sendable, Hashable {
    /// Put `value` at `key`, optionally attached to a lease.
    case put(key: [UInt8], value: [UInt8], lease: Int64 = 0)
    /// Read a key or range.
    case range(EtcdKeyRange, EtcdRangeOptions = EtcdRangeOptions())
    /// Delete a key or range.
    case delete(EtcdKeyRange)

    /// Put with string key and value.
    public static func put(_ key: String, _ value: String, lease: Int64 = 0) -> EtcdTxnOp {
        .put(key: Array(key.utf8), value: Array(value.utf8), lease: lease)
    }

    /// Read a single string key.
    public static func get(_ key: String) -> EtcdTxnOp { .range(.key(key)) }

    var proto: Etcdserverpb_RequestOp {
        var op = Etcdserverpb_RequestOp()
        switch self {
        case .put(let key, let value, let lease):
            op.requestPut = EtcdClient.putRequest(key: key, value: value, lease: lease, previous: false)
        case .range(let range, let options):
            op.requestRange = EtcdClient.rangeRequest(range, options)
        case .delete(let range):
            op.requestDeleteRange = EtcdClient.deleteRequest(range, previous: false)
        }
        return op
    }
}

/// The answer to one operation of the branch a transaction took.
public enum EtcdTxnOpResult: Sendable, Hashable {
    /// Answer to a range.
    case range(EtcdRangeResult)
    /// Answer to a put.
    case put(EtcdPutResult)
    /// Answer to a delete.
    case delete(EtcdDeleteResult)
    /// Answer to a nested transaction (not produced by this client's requests).
    case unsupported

    init(_ response: Etcdserverpb_ResponseOp) {
        switch response.response {
        case .responseRange(let r): self = .range(EtcdRangeResult(r))
        case .responsePut(let r): self = .put(EtcdPutResult(r))
        case .responseDeleteRange(let r): self = .delete(EtcdDeleteResult(r))
        default: self = .unsupported
        }
    }

    /// The range result, if this is one.
    public var rangeResult: EtcdRangeResult? {
        if case .range(let r) = self { return r }
        return nil
    }
}

/// Result of a transaction.
public struct EtcdTxnResult: Sendable, Hashable {
    /// Response header; its revision is the store revision after the transaction.
    public var header: EtcdResponseHeader
    /// Whether every compare held (the success branch ran).
    public var succeeded: Bool
    /// One answer per operation of the branch that ran.
    public var responses: [EtcdTxnOpResult]

    init(_ response: Etcdserverpb_TxnResponse) {
        header = EtcdResponseHeader(response.header)
        succeeded = response.succeeded
        responses = response.responses.map(EtcdTxnOpResult.init)
    }
}
