import Foundation

/// Resident memory of a process, from `/proc/<pid>/status`.
public enum ProcessMemory {
    /// VmRSS of `pid` in bytes; nil when the process is gone or the file unreadable.
    public static func residentBytes(pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return residentBytes(status: text)
    }

    /// VmRSS in bytes from the text of a `/proc/<pid>/status` file (`VmRSS:   12345 kB`).
    public static func residentBytes(status text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.dropFirst("VmRSS:".count).split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let value = fields.first.flatMap({ Int($0) }) else { return nil }
            let unit = fields.dropFirst().first.map { $0.lowercased() } ?? "kb"
            switch unit {
            case "kb": return value * 1024
            case "mb": return value * 1024 * 1024
            case "b": return value
            default: return nil
            }
        }
        return nil
    }
}
