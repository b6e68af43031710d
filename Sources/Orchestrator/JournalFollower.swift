import ClusterSpec
import NIOCore
import NIOPosix
import NodeAPIModel
import NodeHTTP
import Synchronization

/// Follows a node's delivered journal through its API — `GET /messages?after=N&follow=true`,
/// one NDJSON line per entry as it is delivered — the one way headnet follows a journal: `tail
/// -f`, the bench, drills. A stream that ends (the node stopped) is opened again from the last
/// index seen, so nothing is shown twice or skipped.
public struct JournalFollower: Sendable {
    /// The node's API host.
    public var host: String
    /// The node's API port.
    public var port: Int

    /// A follower of the node API at `host:port`.
    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }

    /// A follower of `node`'s API on loopback.
    public init(node: NodeSpec, host: String = HostSpec.local.address) {
        self.init(host: host, port: node.apiPort)
    }

    /// The request for the entries after journal index `index`: those there are now, or (with
    /// `follow`) those too that are delivered later.
    public static func uri(after index: Int, follow: Bool = true) -> String { "/messages?after=\(index)" + (follow ? "&follow=true" : "") }

    /// Opens one stream from journal index `after` on `loop`: every line of it goes to the sink
    /// `makeSink` makes, on the loop (the bench reads ~30,000 lines a second this way). It is not
    /// opened again when it ends; close the channel to stop it.
    ///
    /// - Throws: ``NodeHTTP/NodeHTTPError`` when the node cannot be reached.
    public func open(
        after index: Int, on loop: any EventLoop, connectTimeout: TimeAmount = .seconds(1), sink makeSink: @escaping @Sendable () -> any HTTPLineSink
    ) async throws -> any Channel {
        try await HTTPLineStream.open(host: host, port: port, uri: Self.uri(after: index), on: loop, connectTimeout: connectTimeout, sink: makeSink)
    }

    /// The entries after journal index `index`, as they are delivered, until the consuming task
    /// is cancelled. When the node stops answering, `onGap` is told once (why) and the follower
    /// asks again every `retry` from the last index it gave, until the node answers again.
    public func entries(after index: Int, retry: Duration = .seconds(1), onGap: @escaping @Sendable (String) -> Void = { _ in }) -> Entries {
        Entries(follower: self, after: index, retry: retry, onGap: onGap)
    }

    /// The entries of a journal as they are delivered (see ``entries(after:retry:onGap:)``).
    public struct Entries: AsyncSequence, Sendable {
        let follower: JournalFollower
        let after: Int
        let retry: Duration
        let onGap: @Sendable (String) -> Void

        /// Starts following.
        public func makeAsyncIterator() -> Iterator {
            Iterator(entries: self, last: after)
        }

        /// Reads the stream, opening it again after a gap.
        public struct Iterator: AsyncIteratorProtocol {
            let entries: Entries
            var last: Int
            var lines: AsyncStream<ByteBuffer>.AsyncIterator?
            var collector: LineCollector?
            var inGap = false

            /// The next entry; nil once the task is cancelled.
            public mutating func next() async -> JournalEntry? {
                while !Task.isCancelled {
                    if lines == nil {
                        let (stream, sink) = LineCollector.make()
                        do {
                            let channel = try await entries.follower.open(after: last, on: MultiThreadedEventLoopGroup.singleton.any(), sink: { sink })
                            sink.hold(channel)
                            lines = stream.makeAsyncIterator()
                            collector = sink
                            inGap = false
                        } catch {
                            if !inGap { entries.onGap("\(error)") }
                            inGap = true
                            guard (try? await Task.sleep(for: entries.retry)) != nil else { return nil }
                            continue
                        }
                    }
                    if let line = await lines?.next() {
                        guard let entry = JournalLine.decode(line.readableBytesView), entry.index > last else { continue }
                        last = entry.index
                        return entry
                    }
                    // The stream ended: the node stopped (or the task was cancelled).
                    collector?.close()
                    if Task.isCancelled { return nil }
                    if !inGap { entries.onGap(collector?.reason ?? "ended") }
                    inGap = true
                    lines = nil
                    collector = nil
                    guard (try? await Task.sleep(for: entries.retry)) != nil else { return nil }
                }
                collector?.close()
                return nil
            }
        }
    }
}

/// Hands the lines of one follow stream to an async sequence; closes the stream's connection
/// when the sequence's consumer goes away.
final class LineCollector: HTTPLineSink, Sendable {
    private let continuation: AsyncStream<ByteBuffer>.Continuation
    private let ended = Mutex("ended")
    private let channel = Mutex<(any Channel)?>(nil)

    private init(_ continuation: AsyncStream<ByteBuffer>.Continuation) {
        self.continuation = continuation
    }

    static func make() -> (AsyncStream<ByteBuffer>, LineCollector) {
        let (stream, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
        let collector = LineCollector(continuation)
        continuation.onTermination = { _ in collector.close() }
        return (stream, collector)
    }

    /// The connection to close when done.
    func hold(_ channel: any Channel) {
        self.channel.withLock { $0 = channel }
    }

    /// Closes the connection (once).
    func close() {
        channel.withLock { $0.take() }?.close(promise: nil)
    }

    /// Why the stream ended.
    var reason: String { ended.withLock { $0 } }

    func answered(status: Int) {
        if status != 200 {
            ended.withLock { $0 = "answered \(status)" }
            continuation.finish()
        }
    }

    func received(lines: [ByteBuffer]) {
        for line in lines { continuation.yield(line) }
    }

    func ended(reason: String) {
        ended.withLock { if $0 == "ended" { $0 = reason } }
        continuation.finish()
    }
}
