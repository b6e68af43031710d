/// Throughput of consecutive slices of a phase: messages per second for each `sliceSize`
/// messages delivered everywhere, to show whether the rate holds as messages pile up.
public struct SliceThroughput: Codable, Sendable, Hashable {
    /// Messages delivered everywhere at the end of the slice (10000, 20000, …; the last slice
    /// may be shorter).
    public var delivered: Int
    /// Messages of this slice per second.
    public var messagesPerSecond: Double

    /// Creates a slice.
    public init(delivered: Int, messagesPerSecond: Double) {
        self.delivered = delivered
        self.messagesPerSecond = messagesPerSecond
    }

    /// The slices of a phase that started at `start`, given when each message completed (in
    /// completion order, nanoseconds on the same clock).
    public static func slices(completions: [UInt64], start: UInt64, sliceSize: Int) -> [SliceThroughput] {
        precondition(sliceSize > 0)
        var slices: [SliceThroughput] = []
        var sliceStart = start
        var end = sliceSize
        while !completions.isEmpty {
            let last = min(end, completions.count)
            let time = completions[last - 1]
            let count = last - (end - sliceSize)
            slices.append(SliceThroughput(delivered: last, messagesPerSecond: rate(count, from: sliceStart, to: time)))
            if last == completions.count { break }
            sliceStart = time
            end += sliceSize
        }
        return slices
    }

    /// `count` messages between two times in nanoseconds, per second (rounded to 0.1); 0 when no time passed.
    public static func rate(_ count: Int, from start: UInt64, to end: UInt64) -> Double {
        guard end > start else { return 0 }
        return (Double(count) / (Double(end - start) / 1e9) * 10).rounded() / 10
    }
}
