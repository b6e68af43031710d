import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Small HTTP client for a node's API.
enum NodeHTTP {
    /// Sends a request and returns status and body; throws when the node does not answer.
    static func request(_ method: String, _ url: String, body: Data? = nil, timeout: TimeInterval = 5) async throws -> (Int, Data) {
        guard let target = URL(string: url) else { throw ValidationError("bad URL \(url)") }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = timeout
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// GET returning JSON, or nil when the node does not answer.
    static func json(_ url: String) async -> [String: Any]? {
        guard let (status, data) = try? await request("GET", url), status == 200 else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }
}
