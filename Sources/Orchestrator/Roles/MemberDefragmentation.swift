import Foundation
import HeadnetCore

/// One etcd member defragmented: its Status right before and right after, and how long it took.
public struct MemberDefragmentation: Sendable, Hashable {
    /// The member before.
    public var before: MemberReading
    /// The member after.
    public var after: MemberReading
    /// How long the defragmentation took, in seconds.
    public var seconds: Double

    /// `db 132.0 KiB → 40.0 KiB, in use 36.0 KiB → 36.0 KiB (0.03 s)`.
    public var summary: String {
        "db \(ByteCount.text(before.dbSize)) → \(ByteCount.text(after.dbSize)), "
            + "in use \(ByteCount.text(before.dbSizeInUse)) → \(ByteCount.text(after.dbSizeInUse)) (\(String(format: "%.2f", seconds)) s)"
    }
}

