import Histogram

/// Percentiles of a latency distribution, in milliseconds (what the report prints).
public struct LatencySummary: Codable, Sendable, Hashable {
    /// Number of samples.
    public var samples: Int
    /// Median.
    public var p50Ms: Double
    /// 90th percentile.
    public var p90Ms: Double
    /// 99th percentile.
    public var p99Ms: Double
    /// Largest sample.
    public var maxMs: Double
    /// Mean.
    public var meanMs: Double

    /// Creates a summary.
    public init(samples: Int, p50Ms: Double, p90Ms: Double, p99Ms: Double, maxMs: Double, meanMs: Double) {
        self.samples = samples
        self.p50Ms = p50Ms
        self.p90Ms = p90Ms
        self.p99Ms = p99Ms
        self.maxMs = maxMs
        self.meanMs = meanMs
    }
}

/// Collects latencies into an HdrHistogram (microsecond resolution, three significant digits,
/// up to 10 minutes) and summarises them.
public struct LatencyRecorder: Sendable {
    /// Largest value the histogram tracks, in microseconds; longer samples count as this.
    public static let highestMicroseconds: UInt64 = 600_000_000
    private var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: highestMicroseconds, numberOfSignificantValueDigits: .three)

    /// An empty recorder.
    public init() {}

    /// Records one latency given in nanoseconds.
    public mutating func record(nanoseconds: UInt64) {
        _ = histogram.record(min(max(nanoseconds / 1000, 1), Self.highestMicroseconds))
    }

    /// Number of samples recorded.
    public var count: Int { Int(histogram.totalCount) }

    /// The percentiles; all zero without samples.
    public var summary: LatencySummary {
        guard histogram.totalCount > 0 else { return LatencySummary(samples: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0) }
        func milliseconds(_ microseconds: UInt64) -> Double { Self.rounded(Double(microseconds) / 1000) }
        return LatencySummary(
            samples: count,
            p50Ms: milliseconds(histogram.valueAtPercentile(50)),
            p90Ms: milliseconds(histogram.valueAtPercentile(90)),
            p99Ms: milliseconds(histogram.valueAtPercentile(99)),
            maxMs: milliseconds(histogram.max),
            meanMs: Self.rounded(histogram.mean / 1000))
    }

    /// `value` to three decimals (microseconds, when in milliseconds).
    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
