/// Sizes in bytes for people: `512 bytes`, `20.0 KiB`, `3.4 MiB`; `exact` adds the bytes:
/// `20.0 KiB (20512 bytes)`.
public enum ByteCount {
    /// `bytes` in the largest unit (KiB, MiB, GiB) that leaves at least 1, to one decimal.
    public static func text(_ bytes: Int64, exact: Bool = false) -> String {
        var value = Double(bytes)
        var unit: String?
        for next in ["KiB", "MiB", "GiB"] where value >= 1024 {
            value /= 1024
            unit = next
        }
        guard let unit else { return "\(bytes) bytes" }
        let tenths = Int64((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(unit)" + (exact ? " (\(bytes) bytes)" : "")
    }
}
