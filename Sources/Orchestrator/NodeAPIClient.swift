import ClusterSpec
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client for a node's HTTP API (`/readyz`, `/status`, `/broadcast`, `/messages`).
public struct NodeAPIClient: Sendable {
    /// The node.
    public let node: NodeSpec

    /// A client for `node`'s API on loopback.
    public init(node: NodeSpec) {
        self.node = node
    }

    /// `http://127.0.0.1:<api port><path>`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(node.apiPort)\(path)" }

    /// Sends a request; returns status and body. Throws when the node does not answer.
    public func request(_ method: String, _ path: String, body: Data? = nil, timeout: TimeInterval = 5) async throws -> (status: Int, body: Data) {
        guard let target = URL(string: url(path)) else { throw OrchestratorError(.node, "bad URL \(url(path))") }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = timeout
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// Whether `/readyz` answers 200 (within 2 s).
    public func isReady() async -> Bool {
        (try? await request("GET", "/readyz", timeout: 2).status) == 200
    }

    /// The `/status` document, nil when the node does not answer.
    public func status() async -> [String: Any]? {
        guard let (status, data) = try? await request("GET", "/status"), status == 200 else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    /// Queues `payload` for broadcast on the node.
    public func broadcast(_ payload: Data) async throws {
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
}
