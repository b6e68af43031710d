import ClusterSpec
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client for a node's HTTP API (`/readyz`, `/status`, `/broadcast`, `/messages`).
///
/// Given the spec's cluster, the calls that act on a node (``broadcast(_:)``,
/// ``messages(after:)``) first check from `/status` that the node answering is this cluster's:
/// another cluster reusing the same ports is refused, never written to.
public struct NodeAPIClient: Sendable {
    /// The node.
    public let node: NodeSpec
    /// The cluster the node must belong to; nil skips the check.
    public let cluster: ClusterSpec?
    /// The spec file (canonical) the node must have been started with; nil skips that part.
    public let specPath: String?
    /// How to start the node, for the message when it does not answer.
    public let startHint: String

    /// A client for `node`'s API on loopback.
    public init(node: NodeSpec, cluster: ClusterSpec? = nil, specPath: String? = nil, startHint: String = "headnet up") {
        self.node = node
        self.cluster = cluster
        self.specPath = specPath
        self.startHint = startHint
    }

    /// `http://127.0.0.1:<api port><path>`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(node.apiPort)\(path)" }

    /// Sends a request; returns status and body. Throws ``OrchestratorError`` `nodeDown` when
    /// the node does not answer.
    public func request(_ method: String, _ path: String, body: Data? = nil, timeout: TimeInterval = 5) async throws -> (status: Int, body: Data) {
        guard let target = URL(string: url(path)) else { throw OrchestratorError(.node, "bad URL \(url(path))") }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = timeout
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        } catch {
            throw OrchestratorError(
                .nodeDown, "\(node.name) does not answer at \(url("")) (\(Self.reason(error))); is it running? start it with `\(startHint)`")
        }
    }

    /// Whether `/readyz` answers 200 (within 2 s).
    public func isReady() async -> Bool {
        (try? await request("GET", "/readyz", timeout: 2).status) == 200
    }

    /// The `/status` document, nil when the node does not answer.
    public func status() async -> [String: Any]? {
        try? await statusDocument()
    }

    /// The `/status` document; throws when the node does not answer.
    public func statusDocument() async throws -> [String: Any] {
        let (status, data) = try await request("GET", "/status")
        guard status == 200, let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw OrchestratorError(.node, "\(node.name) answered \(status) to GET /status: \(String(decoding: data, as: UTF8.self))")
        }
        return document
    }

    /// Checks that `document` (a `/status`) comes from this cluster's node.
    ///
    /// - Throws: ``OrchestratorError`` `wrongCluster` naming who answered instead.
    public func verify(_ document: [String: Any]) throws {
        guard let cluster else { return }
        let label = document["cluster"] as? [String: Any]
        let answered = document["nodeID"] as? String ?? "?"
        guard let identity = label?["identity"] as? String else {
            throw OrchestratorError(
                .wrongCluster,
                "another node answered at \(url("")): '\(answered)', started without a spec, not \(node.name) of cluster '\(cluster.name)'; "
                    + "two setups use the same ports")
        }
        guard identity == cluster.identity, answered == node.name else {
            let name = label?["name"] as? String ?? "?"
            let spec = label?["spec"] as? String
            throw OrchestratorError(
                .wrongCluster,
                "another cluster answered at \(url("")): node '\(answered)' of cluster '\(name)'"
                    + (spec.map { " (spec \($0))" } ?? "") + ", not \(node.name) of cluster '\(cluster.name)' (identity \(cluster.identity)). "
                    + "Two specs use the same ports: stop the other cluster" + (spec.map { " (`headnet down -f \($0)`)" } ?? "")
                    + " or give this one free ports (`headnet init` picks them)")
        }
        if let specPath, let spec = label?["spec"] as? String, spec != specPath {
            throw OrchestratorError(
                .wrongCluster,
                "a cluster started from another spec file answered at \(url("")): node '\(answered)' of cluster '\(cluster.name)' from \(spec), "
                    + "not from \(specPath) (two copies of the same spec, each with its own state). "
                    + "Use that spec (`-f \(spec)`) or stop its cluster (`headnet down -f \(spec)`)")
        }
    }

    /// Checks that the node answering is this cluster's (see ``verify(_:)``).
    public func verifyCluster() async throws {
        guard cluster != nil else { return }
        try verify(try await statusDocument())
    }

    /// Queues `payload` for broadcast on the node.
    public func broadcast(_ payload: Data) async throws {
        try await verifyCluster()
        let (status, body) = try await request("POST", "/broadcast", body: payload)
        guard status == 202 else {
            throw OrchestratorError(.node, "\(node.name) answered \(status): \(String(decoding: body, as: UTF8.self))")
        }
    }

    /// The journal entries after `index`, as NDJSON lines.
    public func messages(after index: Int) async throws -> Data {
        let (status, body) = try await request("GET", "/messages?after=\(index)")
        guard status == 200 else {
            throw OrchestratorError(.node, "\(node.name) answered \(status): \(String(decoding: body, as: UTF8.self))")
        }
        return body
    }

    /// A short reason for a failed request: "connection refused", "timed out", ….
    static func reason(_ error: any Error) -> String {
        guard let error = error as? URLError else { return "\(error)" }
        return switch error.code {
        case .cannotConnectToHost: "connection refused"
        case .timedOut: "no answer within the timeout"
        case .networkConnectionLost: "the connection closed"
        default: "URL error \(error.code.rawValue)"
        }
    }
}
