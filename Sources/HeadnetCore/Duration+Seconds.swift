extension Duration {
    /// The duration in seconds, fractions included (for reports, rates and step timings; the
    /// layers above share this one conversion).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration in whole nanoseconds (for latency histograms).
    public var inNanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
