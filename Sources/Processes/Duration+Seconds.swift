extension Duration {
    /// The duration in seconds, fractions included (for reports, rates and step timings; the
    /// layers above share this one conversion).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
