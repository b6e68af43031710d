import Foundation
import NIOCore
import NodeAPIModel
import NodeHTTP

/// headnet's measurements on open follow streams: low-load latency (one broadcast at a time,
/// the sending node rotating) and saturation (every sender posting back to back).
struct HeadnetPhases: Sendable {
    /// The cluster.
    var target: BenchTarget
    /// Sizes and counts.
    var configuration: BenchConfiguration
    /// Who sends what.
    var plan: MessagePlan
    /// Where deliveries are recorded.
    var board: DeliveryBoard
    /// Called with one line per finished phase.
    var progress: @Sendable (String) -> Void

    private var stall: TimeAmount { .nanoseconds(Int64(configuration.stallTimeout.components.seconds) * 1_000_000_000) }

    /// The low-load broadcasts of `slots` (a part of the plan's), one at a time over one
    /// connection per node, each until every node delivered it.
    func lowLoad(slots: Range<Int>) async throws {
        try await withConnections(to: target.nodes.map(\.apiPort)) { connections in try await lowLoad(slots, over: connections) }
    }

    private func lowLoad(_ slots: Range<Int>, over connections: [HTTPConnection]) async throws {
        let board = self.board
        for slot in slots {
            let (sender, seq) = plan.lowLoadMessage(slot)
            let body = ByteBuffer(bytes: SequencedPayload(sender: sender.name, seq: seq).encoded(size: configuration.size))
            let connection = connections[sender.node]
            let response = try await board.loop.flatSubmit {
                board.posted(slot: slot)
                return connection.send(.POST, "/broadcast", body: body)
            }.get()
            guard response.status == 202 else {
                throw BenchError(.node, "\(target.nodes[sender.node].name) answered \(response.status) to POST /broadcast: \(response.text)")
            }
            guard try await board.wait(for: .slot(slot), timeout: stall) else {
                throw try await undelivered(slot..<(slot + 1), within: "\(configuration.stallTimeout)")
            }
        }
    }

    /// POST → delivered on every node of the low-load broadcasts so far.
    func lowLoadSummary() async throws -> LatencySummary {
        let lowLoad = plan.lowLoad
        let summary = try await board.read { tracker in
            var recorder = LatencyRecorder()
            for slot in lowLoad { if let latency = tracker.latency(ofSlot: slot) { recorder.record(nanoseconds: latency) } }
            return recorder.summary
        }
        progress("headnet: low load, \(summary.samples) broadcasts one at a time: p50/p90/p99 \(summary.p50Ms)/\(summary.p90Ms)/\(summary.p99Ms) ms")
        return summary
    }

    /// All senders at once; `afterFirstSlice` runs once the first slice is delivered everywhere
    /// (the RSS sample). Returns the phase's figures.
    func saturation(afterFirstSlice: @Sendable () async -> Void) async throws -> BenchReport.Saturation {
        try await withConnections(to: plan.saturationSenders.map { target.nodes[$0.node].apiPort }) { connections in
            try await saturation(over: connections, afterFirstSlice: afterFirstSlice)
        }
    }

    private func saturation(over connections: [HTTPConnection], afterFirstSlice: @Sendable () async -> Void) async throws -> BenchReport.Saturation {
        let start = DeliveryBoard.now()
        let senders = zip(plan.saturationSenders, connections).map { sender, connection in
            SaturationSender.start(sender, over: connection, board: board, size: configuration.size, nodeName: target.nodes[sender.node].name)
        }
        let total = plan.saturation.count
        let firstSlice = min(configuration.effectiveSliceSize, total)
        var sliceReported = false
        var lastCount = -1
        while true {
            let goal = sliceReported ? total : firstSlice
            if try await board.wait(for: .saturationCompleted(goal), timeout: stall) {
                if !sliceReported {
                    sliceReported = true
                    await afterFirstSlice()
                }
                if goal == total { break }
                continue
            }
            let count = try await board.read { $0.saturationCompletions.count }
            guard count > lastCount else {
                throw try await undelivered(plan.saturation, within: "\(configuration.stallTimeout) without progress")
            }
            lastCount = count
        }
        for sender in senders { try await sender.get() }
        let saturation = plan.saturation
        let sliceSize = configuration.effectiveSliceSize
        let result = try await board.read { tracker in
            var recorder = LatencyRecorder()
            for slot in saturation { if let latency = tracker.latency(ofSlot: slot) { recorder.record(nanoseconds: latency) } }
            let completions = tracker.saturationCompletions
            let end = completions.last ?? start
            let seconds = Double(end - start) / 1e9
            return BenchReport.Saturation(
                messages: saturation.count, seconds: (seconds * 1000).rounded() / 1000,
                deliveredPerSecond: SliceThroughput.rate(saturation.count, from: start, to: end), latency: recorder.summary,
                slices: SliceThroughput.slices(completions: completions, start: start, sliceSize: sliceSize))
        }
        progress("headnet: saturation, \(result.messages) messages from \(plan.saturationSenders.count) senders in \(result.seconds) s: "
            + "\(Int(result.deliveredPerSecond)) msg/s delivered on every node, p50/p90/p99 \(result.latency.p50Ms)/\(result.latency.p90Ms)/\(result.latency.p99Ms) ms")
        return result
    }

    /// Runs `body` with one connection to each of `ports` (on loopback), closing them afterwards.
    private func withConnections<T>(to ports: [Int], _ body: ([HTTPConnection]) async throws -> T) async throws -> T {
        var connections: [HTTPConnection] = []
        func closeAll() async { for connection in connections { await connection.close() } }
        do {
            for port in ports { connections.append(try await connect(port)) }
            let result = try await body(connections)
            await closeAll()
            return result
        } catch {
            await closeAll()
            throw error
        }
    }

    /// A connection to the node API on `port`, on the run's loop.
    private func connect(_ port: Int) async throws -> HTTPConnection {
        do {
            return try await HTTPConnection.connect(host: "127.0.0.1", port: port, on: board.loop, connectTimeout: .seconds(5))
        } catch {
            throw BenchError(.node, "cannot connect to the node API at 127.0.0.1:\(port); is the node running?", cause: error)
        }
    }

    /// The error for messages among `slots` not delivered everywhere within the deadline.
    private func undelivered(_ slots: Range<Int>, within deadline: String) async throws -> BenchError {
        if let failure = try await board.currentFailure() { return failure }
        let names = target.nodes.map(\.name)
        let (count, first) = try await board.read { $0.missing(in: slots) }
        let examples = first.map { "\($0.payload.sender) #\($0.payload.seq) missing on \($0.nodes.map { names[$0] }.joined(separator: ", "))" }
        return BenchError(.undelivered, "\(count) of \(slots.count) messages were not delivered on every node within \(deadline) "
            + "(\(examples.joined(separator: "; "))); check the nodes with `headnet status -f \(target.spec)` and `headnet logs NODE --trace`")
    }
}
