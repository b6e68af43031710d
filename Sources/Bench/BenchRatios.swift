/// headnet's figures divided by raw etcd's: how much of etcd's own speed headnet keeps.
public struct BenchRatios: Codable, Sendable, Hashable {
    /// headnet saturation throughput (delivered everywhere) ÷ raw sequential puts per second.
    public var throughput: Double?
    /// headnet low-load p50 ÷ raw put→watch-on-every-member p50.
    public var lowLoadP50: Double?
    /// headnet low-load p99 ÷ raw put→watch-on-every-member p99.
    public var lowLoadP99: Double?
    /// headnet revisions per 1,000 messages ÷ 1,000 (one revision per raw put).
    public var revisions: Double?

    /// Creates ratios.
    public init(throughput: Double?, lowLoadP50: Double?, lowLoadP99: Double?, revisions: Double?) {
        self.throughput = throughput
        self.lowLoadP50 = lowLoadP50
        self.lowLoadP99 = lowLoadP99
        self.revisions = revisions
    }

    /// The ratios of `headnet` to `raw`; a ratio whose divisor is 0 is nil.
    public init(raw: BenchReport.Raw, headnet: BenchReport.Headnet) {
        self.init(
            throughput: Self.ratio(headnet.saturation.deliveredPerSecond, raw.sequentialPutsPerSecond),
            lowLoadP50: Self.ratio(headnet.lowLoad.p50Ms, raw.putToWatchEveryMember.p50Ms),
            lowLoadP99: Self.ratio(headnet.lowLoad.p99Ms, raw.putToWatchEveryMember.p99Ms),
            revisions: Self.ratio(headnet.revisionsPerThousandMessages, 1000))
    }

    /// `value ÷ divisor` to three decimals; nil when `divisor` is not positive.
    public static func ratio(_ value: Double, _ divisor: Double) -> Double? {
        guard divisor > 0 else { return nil }
        return (value / divisor * 1000).rounded() / 1000
    }

    private enum CodingKeys: String, CodingKey { case throughput, lowLoadP50, lowLoadP99, revisions }

    /// Encodes every field, an undefined ratio as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(throughput, forKey: .throughput)
        try container.encode(lowLoadP50, forKey: .lowLoadP50)
        try container.encode(lowLoadP99, forKey: .lowLoadP99)
        try container.encode(revisions, forKey: .revisions)
    }
}
