import NIOCore
import NodeAPIModel
import NodeHTTP

/// One concurrent sender of the saturation phase: posts its messages back to back over its own
/// keep-alive connection, the next as soon as the node answered 202. Everything runs on the
/// run's event loop (callbacks, no task per request), so the bench stays cheap.
enum SaturationSender {
    /// Starts `sender`'s posts over `connection`; the future succeeds after the last 202. A
    /// refused post fails it and the ``DeliveryBoard`` (so waits end at once).
    static func start(_ sender: MessagePlan.Sender, over connection: HTTPConnection, board: DeliveryBoard, size: Int, nodeName: String)
        -> EventLoopFuture<Void>
    {
        let loop = board.loop
        let done = loop.makePromise(of: Void.self)
        @Sendable func post(_ seq: Int) {
            guard seq <= sender.count else { return done.succeed(()) }
            let body = ByteBuffer(bytes: SequencedPayload(sender: sender.name, seq: seq).encoded(size: size))
            board.posted(slot: sender.slot(seq: seq))
            connection.send(.POST, "/broadcast", body: body).whenComplete { result in
                switch result {
                case .success(let response) where response.status == 202:
                    post(seq + 1)
                case .success(let response) where response.status == 503:
                    // The node's queue is full (more senders than it holds): it kept nothing,
                    // so the same message goes again a moment later.
                    loop.scheduleTask(in: .milliseconds(1)) { post(seq) }
                case .success(let response):
                    let error = BenchError(.node, "\(nodeName) answered \(response.status) to POST /broadcast: \(response.text)")
                    board.fail(error)
                    done.fail(error)
                case .failure(let error):
                    let failure = error as? BenchError ?? BenchError(.node, "POST /broadcast to \(nodeName) failed", cause: error)
                    board.fail(failure)
                    done.fail(failure)
                }
            }
        }
        loop.execute { post(1) }
        return done.futureResult
    }
}
