import ClusterSpec
import Foundation
import HeadNetwork
import HeadnetCore
import NIOCore
import NIOHTTP1
import NodeAPIModel
import NodeHTTP
import Processes

/// A small client for a node's HTTP API (`/readyz`, `/status`, `/broadcast`, `/messages`), on
/// ``NodeHTTP/HTTPConnection``: each request connects within 1 s and waits for its answer at
/// most its timeout, sleeping in epoll meanwhile.
///
/// Given the spec's cluster, the calls that act on a node (``broadcast(_:)``,
/// ``messages(after:)``) first check from `/status` that the node answering is this cluster's:
/// another cluster reusing the same ports is refused, never written to.
public struct NodeAPIClient: Sendable {
    /// The node.
    public let node: NodeSpec
    /// The host its API is reached at (``ClusterSpec/ClusterSpec/reachableHost(of:)``).
    public let host: String
    /// The cluster the node must belong to; nil skips the check.
    public let cluster: ClusterSpec?
    /// The spec file (canonical) the node must have been started with; nil skips that part.
    public let specPath: String?
    /// How to start the node, for the message when it does not answer.
    public let startHint: String
    /// The node's pid file: a process it names that is stopped with SIGSTOP is named as such,
    /// without waiting for an answer, instead of being taken for a crash.
    public let pidFile: PIDFile?

    /// A client for `node`'s API at `host` (default: loopback).
    public init(
        node: NodeSpec, host: String = HostSpec.local.address, cluster: ClusterSpec? = nil, specPath: String? = nil, startHint: String = "headnet up",
        pidFile: PIDFile? = nil
    ) {
        self.node = node
        self.host = host
        self.cluster = cluster
        self.specPath = specPath
        self.startHint = startHint
        self.pidFile = pidFile
    }

    /// `http://<host>:<api port><path>`.
    public func url(_ path: String) -> String { "http://\(Address(host: host, port: node.apiPort))\(path)" }

    /// Sends a request; returns status and body. Connects within 1 s, then waits at most
    /// `timeout` seconds for the answer.
    ///
    /// - Throws: ``OrchestratorError`` `stopped` when the node's process is stopped (SIGSTOP),
    ///   else `nodeDown` when the node does not answer.
    public func request(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: Data? = nil, timeout: Double = 5
    ) async throws -> (status: Int, body: Data) {
        let response = try await exchange(method, path, headers: headers, body: body, timeout: timeout)
        return (response.status, response.body)
    }

    /// ``request(_:_:headers:body:timeout:)`` with the response's headers.
    private func exchange(
        _ method: String, _ path: String, headers: [(String, String)], body: Data?, timeout: Double
    ) async throws -> (status: Int, headers: HTTPHeaders, body: Data) {
        // A stopped process answers nothing: no use waiting for the timeout.
        if let pid = stoppedPID { throw OrchestratorError.stopped(node.name, pid: pid) }
        do {
            let response = try await HTTPConnection.request(
                host: host, port: node.apiPort, HTTPMethod(rawValue: method), path, headers: headers,
                body: body.map { ByteBuffer(bytes: $0) }, timeout: .nanoseconds(Int64(timeout * 1e9)))
            return (response.status, response.headers, Data(response.body.readableBytesView))
        } catch let error as NodeHTTPError {
            if let pid = stoppedPID { throw OrchestratorError.stopped(node.name, pid: pid) }
            let hint = error.code == .refused ? "; is it running? start it with `\(startHint)`" : ""
            throw OrchestratorError(.nodeDown, "\(node.name) does not answer at \(url("")) (\(error.reason))\(hint)")
        }
    }

    /// The node's pid when its pid file names a process stopped by a signal.
    var stoppedPID: Int32? { ProcessControl.stoppedPID(pidFile?.pid) }

    /// Whether `/readyz` answers 200 (within 2 s).
    public func isReady() async -> Bool {
        (try? await request("GET", "/readyz", timeout: 2).status) == 200
    }

    /// The `/status` document, nil when the node does not answer.
    public func status() async -> NodeStatus? {
        try? await statusDocument()
    }

    /// The `/status` document; throws when the node does not answer or what answers is not a
    /// headnet node of this version.
    public func statusDocument() async throws -> NodeStatus {
        let (status, data) = try await request("GET", "/status")
        guard status == 200 else {
            throw OrchestratorError(.node, "\(node.name) answered \(status) to GET /status: \(String(decoding: data, as: UTF8.self))")
        }
        do {
            return try JSONDecoder().decode(NodeStatus.self, from: data)
        } catch {
            throw OrchestratorError(
                .wrongCluster, "what answers at \(url("/status")) is not a headnet node of this version (its /status does not decode); "
                    + "another program or an older headnet holds \(node.name)'s API port", cause: error)
        }
    }

    /// Checks that `status` comes from this cluster's node.
    ///
    /// - Throws: ``OrchestratorError`` `wrongCluster` naming who answered instead.
    public func verify(_ status: NodeStatus) throws {
        guard let cluster else { return }
        let answered = status.nodeID
        guard let label = status.cluster else {
            throw OrchestratorError(
                .wrongCluster,
                "another node answered at \(url("")): '\(answered)', started without a spec, not \(node.name) of cluster '\(cluster.name)'; "
                    + "two setups use the same ports")
        }
        guard label.identity == cluster.identity, answered == node.name else {
            throw OrchestratorError(
                .wrongCluster,
                "another cluster answered at \(url("")): node '\(answered)' of cluster '\(label.name)' (spec \(label.spec)), "
                    + "not \(node.name) of cluster '\(cluster.name)' (identity \(cluster.identity)). "
                    + "Two specs use the same ports: stop the other cluster (`headnet down -f \(label.spec)`)"
                    + " or give this one free ports (`headnet init` picks them)")
        }
        if let specPath, label.spec != specPath {
            throw OrchestratorError(
                .wrongCluster,
                "a cluster started from another spec file answered at \(url("")): node '\(answered)' of cluster '\(cluster.name)' from \(label.spec), "
                    + "not from \(specPath) (two copies of the same spec, each with its own state). "
                    + "Use that spec (`-f \(label.spec)`) or stop its cluster (`headnet down -f \(label.spec)`)")
        }
    }

    /// The `/status` document, checked to come from this cluster's node (``verify(_:)``).
    public func verifiedStatus() async throws -> NodeStatus {
        let status = try await statusDocument()
        try verify(status)
        return status
    }

    /// Checks that the node answering is this cluster's (see ``verify(_:)``).
    public func verifyCluster() async throws {
        guard cluster != nil else { return }
        _ = try await verifiedStatus()
    }

    /// What a node answered to a broadcast.
    public enum BroadcastAnswer: Sendable, Hashable {
        /// Queued (202).
        case queued
        /// The node had accepted the idempotency key before: answered 202 again, queued nothing.
        case replayed
        /// The queue is full (503): nothing was queued.
        case refused(QueueFull)
    }

    /// Queues `payload` for broadcast on the node, with `idempotencyKey` when given (a retry
    /// with the same key is answered ``BroadcastAnswer/replayed`` and queues nothing). It checks
    /// first that the node belongs to ``cluster`` unless `verifyingCluster` is false (a load
    /// that checked once); the answer may take `timeout` seconds.
    ///
    /// - Throws: ``OrchestratorError`` `node` for any other answer (e.g. 400, 413), with its text;
    ///   errors of ``request(_:_:headers:body:timeout:)``.
    public func broadcast(
        _ payload: Data, idempotencyKey: IdempotencyKey? = nil, verifyingCluster: Bool = true, timeout: Double = 5
    ) async throws -> BroadcastAnswer {
        if verifyingCluster { try await verifyCluster() }
        let headers = idempotencyKey.map { [(IdempotencyKey.header, $0.value)] } ?? []
        let response = try await exchange("POST", "/broadcast", headers: headers, body: payload, timeout: timeout)
        if response.status == 503, let full = try? JSONDecoder().decode(QueueFull.self, from: response.body) { return .refused(full) }
        guard response.status == 202 else {
            throw OrchestratorError(.node, "\(node.name) answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        }
        return response.headers.first(name: IdempotencyKey.replayedHeader) == "true" ? .replayed : .queued
    }

    /// The journal entries after `index`, as NDJSON lines.
    public func messages(after index: Int) async throws -> Data {
        let (status, body) = try await request("GET", JournalFollower.uri(after: index, follow: false))
        guard status == 200 else {
            throw OrchestratorError(.node, "\(node.name) answered \(status): \(String(decoding: body, as: UTF8.self))")
        }
        return body
    }
}
