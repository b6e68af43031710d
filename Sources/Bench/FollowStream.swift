import NIOCore
import NodeAPIModel
import NodeHTTP
import Orchestrator

/// One node's `GET /messages?after=N&follow=true`, open for the whole run: each journal line
/// that carries a bench payload is recorded on the ``DeliveryBoard`` as delivered by that node.
enum FollowStream {
    /// Opens the stream of node number `node` on `host:port`, from journal index `after`.
    static func open(host: String, port: Int, node: Int, after: Int, board: DeliveryBoard) async throws -> any Channel {
        do {
            return try await JournalFollower(host: host, port: port).open(
                after: after, on: board.loop, connectTimeout: .seconds(5), sink: { FollowStreamSink(node: node, board: board) })
        } catch {
            throw BenchError(.node, "cannot follow the journal of the node API at \(host):\(port); is the node running?", cause: error)
        }
    }
}

/// Records each bench payload of a follow stream as delivered.
final class FollowStreamSink: HTTPLineSink {
    private let node: Int
    private let board: DeliveryBoard

    init(node: Int, board: DeliveryBoard) {
        self.node = node
        self.board = board
    }

    func answered(status: Int) {
        if status != 200 { board.streamEnded(node: node, reason: "answered \(status)") }
    }

    func received(lines: [ByteBuffer]) {
        // Every line of this read arrived now.
        let now = DeliveryBoard.now()
        for line in lines {
            if let payload = line.withUnsafeReadableBytes({ SequencedPayload.inJournalLine($0) }) { board.delivered(payload, node: node, at: now) }
        }
    }

    func ended(reason: String) {
        board.streamEnded(node: node, reason: reason)
    }
}
