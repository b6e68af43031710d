/// A point in time as the duration since its clock started: the instant of ``SteppingClock``
/// and ``AnyClock``.
public struct OffsetInstant: InstantProtocol {
    /// Time since the clock started.
    public var offset: Duration

    /// The instant `offset` after the clock started.
    public init(offset: Duration) {
        self.offset = offset
    }

    public func advanced(by duration: Duration) -> OffsetInstant { OffsetInstant(offset: offset + duration) }
    public func duration(to other: OffsetInstant) -> Duration { other.offset - offset }
    public static func < (lhs: OffsetInstant, rhs: OffsetInstant) -> Bool { lhs.offset < rhs.offset }
}
