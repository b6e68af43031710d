import Testing

@testable import HeadNetwork

/// Watch responses read ahead and delivered together.
@Suite struct ReadAheadTests {
    struct Failure: Error, Equatable {}

    @Test func whatArrivedMeanwhileIsTakenTogetherUpToTheLimit() async throws {
        let buffer = ReadAhead.Buffer<Int>()
        for i in 1...5 { buffer.append(i) }
        #expect(try await buffer.take(maxCount: 3) == [1, 2, 3])
        #expect(try await buffer.take(maxCount: 3) == [4, 5])
        let waiting = Task { try await buffer.take(maxCount: 3) }
        buffer.append(6)
        #expect(try await waiting.value == [6])
        buffer.append(7)
        buffer.finish(Failure())
        // The elements before the error first, then the error.
        #expect(try await buffer.take(maxCount: 3) == [7])
        await #expect(throws: Failure.self) { try await buffer.take(maxCount: 3) }
    }

    @Test func theEndOfTheSequenceIsNilAndACancelledTakerStops() async throws {
        let buffer = ReadAhead.Buffer<Int>()
        let waiting = Task { try await buffer.take(maxCount: 1) }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        buffer.finish(nil)
        #expect(try await buffer.take(maxCount: 1) == nil)
    }

    @Test func everyElementArrivesOnceInOrderThenTheError() async throws {
        var seen: [Int] = []
        var calls = 0
        await #expect(throws: Failure.self) {
            try await ReadAhead.consume(producing: { yield in
                for i in 0..<1000 { yield(i) }
                throw Failure()
            }, maxCount: 64) { elements in
                #expect(!elements.isEmpty && elements.count <= 64)
                seen += elements
                calls += 1
            }
        }
        #expect(seen == Array(0..<1000))
        #expect(calls >= 1000 / 64)
    }
}
