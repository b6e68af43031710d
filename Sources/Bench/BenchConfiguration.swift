/// What one `headnet bench` run measures and how much of it.
public struct BenchConfiguration: Sendable, Hashable {
    /// Messages of the saturation phase (all nodes sending).
    public var messages: Int
    /// Payload size in bytes, for raw puts and headnet broadcasts alike.
    public var size: Int
    /// Concurrent senders of the saturation phase, and puts in flight of the raw phase.
    public var senders: Int
    /// Puts of each raw throughput measurement (sequential, and with ``senders`` in flight).
    public var rawPuts: Int
    /// Samples of each raw put→watch latency measurement.
    public var rawLatencySamples: Int
    /// Broadcasts of the low-load latency phase (one at a time, rotating the sending node).
    public var lowLoadSamples: Int
    /// Rounds in which raw etcd's put→watch on every member and headnet's low-load broadcasts
    /// take turns, so a change in the machine's load between them weighs on both.
    public var latencyRounds: Int
    /// Delivered messages per throughput slice (and the RSS sample after the first slice);
    /// nil derives it: 10,000 when there are at least 20,000 messages, else a tenth of them.
    public var sliceSize: Int?
    /// How long a phase may go without any message being delivered everywhere before the run
    /// fails (also the deadline of each low-load message).
    public var stallTimeout: Duration

    /// Smallest payload: the `{sender, seq}` JSON of the longest sender name and seq.
    public static let minimumSize = 64

    /// Creates a configuration; the defaults are those of `headnet bench`.
    public init(
        messages: Int = 100_000, size: Int = 1024, senders: Int = 64, rawPuts: Int = 2000, rawLatencySamples: Int = 2000,
        lowLoadSamples: Int = 2000, latencyRounds: Int = 5, sliceSize: Int? = nil, stallTimeout: Duration = .seconds(30)
    ) {
        self.messages = messages
        self.size = size
        self.senders = senders
        self.rawPuts = rawPuts
        self.rawLatencySamples = rawLatencySamples
        self.lowLoadSamples = lowLoadSamples
        self.latencyRounds = latencyRounds
        self.sliceSize = sliceSize
        self.stallTimeout = stallTimeout
    }

    /// The slice size in use (see ``sliceSize``).
    public var effectiveSliceSize: Int {
        if let sliceSize { return max(1, sliceSize) }
        return messages >= 20_000 ? 10_000 : max(1, (messages + 9) / 10)
    }

    /// The problems of this configuration, each saying what to pass instead; empty when usable.
    public var problems: [String] {
        var problems: [String] = []
        if messages < 1 { problems.append("--messages must be at least 1") }
        if senders < 1 { problems.append("--senders must be at least 1") }
        if messages >= 1, senders > messages { problems.append("--senders (\(senders)) must not exceed --messages (\(messages))") }
        if size < Self.minimumSize { problems.append("--size must be at least \(Self.minimumSize) bytes (the {sender, seq} JSON must fit)") }
        if size > 1 << 20 { problems.append("--size must be at most 1 MiB (etcd refuses larger requests)") }
        if rawPuts < 1 { problems.append("--puts must be at least 1") }
        if rawLatencySamples < 1 { problems.append("--latency-samples must be at least 1") }
        if lowLoadSamples < 1 { problems.append("--low-load-samples must be at least 1") }
        if latencyRounds < 1 { problems.append("--latency-rounds must be at least 1") }
        if let sliceSize, sliceSize < 1 { problems.append("--slice must be at least 1") }
        return problems
    }
}
