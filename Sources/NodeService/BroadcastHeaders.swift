import NodeAPIModel

/// The request headers of `POST /broadcast`.
enum BroadcastHeaders {
    /// The `Idempotency-Key` header's values (`values`, as many as the request carried): none is
    /// no key; one must be an ``NodeAPIModel/IdempotencyKey``; more than one is a bad request.
    static func idempotencyKey(_ values: [String]) -> Result<IdempotencyKey?, NodeServiceError> {
        guard let value = values.first else { return .success(nil) }
        guard values.count == 1 else {
            return .failure(NodeServiceError(
                .badRequest, "the request has \(values.count) \(IdempotencyKey.header) headers; send one, naming the message"))
        }
        guard let key = IdempotencyKey(value) else {
            let problem = IdempotencyKey.problem(with: value) ?? "it is not a key"
            return .failure(NodeServiceError(.badRequest, "the \(IdempotencyKey.header) header is not a valid key: \(problem)"))
        }
        return .success(key)
    }
}
