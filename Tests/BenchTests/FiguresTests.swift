import Foundation
import Testing

@testable import Bench

/// Percentiles, slices, memory and the configuration's derived values.
@Suite struct FiguresTests {
    @Test func percentilesOfAKnownDistribution() {
        var recorder = LatencyRecorder()
        for millisecond in 1...1000 { recorder.record(nanoseconds: UInt64(millisecond) * 1_000_000) }
        let summary = recorder.summary
        #expect(summary.samples == 1000)
        // HdrHistogram with three significant digits: within 0.1 %.
        #expect(abs(summary.p50Ms - 500) <= 0.5)
        #expect(abs(summary.p90Ms - 900) <= 0.9)
        #expect(abs(summary.p99Ms - 990) <= 1)
        #expect(abs(summary.maxMs - 1000) <= 1)
        #expect(abs(summary.meanMs - 500.5) <= 0.5)
    }

    @Test func anEmptyRecorderSummarisesToZeros() {
        #expect(LatencyRecorder().summary == LatencySummary(samples: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0))
    }

    @Test func slicesDivideEachSliceByItsOwnTime() {
        // 10 messages, one per 100 ms from t = 1 s, slices of 4: 4 in 0.4 s, 4 in 0.4 s, 2 in 0.2 s.
        let completions = (1...10).map { UInt64(1_000_000_000 + $0 * 100_000_000) }
        let slices = SliceThroughput.slices(completions: completions, start: 1_000_000_000, sliceSize: 4)
        #expect(slices == [
            SliceThroughput(delivered: 4, messagesPerSecond: 10), SliceThroughput(delivered: 8, messagesPerSecond: 10),
            SliceThroughput(delivered: 10, messagesPerSecond: 10),
        ])
        #expect(SliceThroughput.slices(completions: [], start: 0, sliceSize: 4).isEmpty)
        #expect(SliceThroughput.rate(5, from: 10, to: 10) == 0)
        #expect(SliceThroughput.rate(3, from: 0, to: 2_000_000_000) == 1.5)
    }

    @Test func residentMemoryComesFromVmRSS() {
        let status = "Name:\theadnet\nVmPeak:\t  900000 kB\nVmRSS:\t   51234 kB\nThreads:\t9\n"
        #expect(ProcessMemory.residentBytes(status: status) == 51234 * 1024)
        #expect(ProcessMemory.residentBytes(status: "Name:\tx\n") == nil)
        #expect(ProcessMemory.residentBytes(pid: ProcessInfo.processInfo.processIdentifier).map { $0 > 0 } == true)
    }

    @Test func theSliceIsTenThousandOrATenth() {
        #expect(BenchConfiguration().effectiveSliceSize == 10_000)
        #expect(BenchConfiguration(messages: 20_000).effectiveSliceSize == 10_000)
        #expect(BenchConfiguration(messages: 300).effectiveSliceSize == 30)
        #expect(BenchConfiguration(messages: 5).effectiveSliceSize == 1)
        #expect(BenchConfiguration(messages: 300, sliceSize: 7).effectiveSliceSize == 7)
    }

    @Test func problemsSayWhatToPass() {
        #expect(BenchConfiguration().problems.isEmpty)
        #expect(BenchConfiguration(messages: 3, senders: 4).problems == ["--senders (4) must not exceed --messages (3)"])
        #expect(BenchConfiguration(size: 10).problems.first?.hasPrefix("--size must be at least 64") == true)
        #expect(BenchConfiguration(messages: 0, rawPuts: 0).problems.count == 2)
    }
}
