import Foundation

/// What happened to one step, reported as soon as it is done: printed as a ✓/✗/• line, or as a
/// JSON line with `--json`.
public struct StepReport: Sendable, Hashable, Codable {
    /// How the step ended.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// It did what it says.
        case ok
        /// It failed; the plan stops after this stage.
        case failed
        /// Nothing had to be done.
        case skipped
    }

    /// The step's kind (`start`, `wait-ready`, …).
    public var step: String
    /// The node it acted on.
    public var node: String?
    /// How it ended.
    public var outcome: Outcome
    /// One line saying what happened, e.g. `started alice (pid 4242)`.
    public var message: String
    /// More lines: what to do, the last lines of a log.
    public var details: [String]
    /// How long it took, in seconds.
    public var seconds: Double

    /// Creates a report.
    public init(step: Step, outcome: Outcome, message: String, details: [String] = [], seconds: Double = 0) {
        self.step = step.kind
        self.node = step.node
        self.outcome = outcome
        self.message = message
        self.details = details
        self.seconds = seconds
    }

    /// `✓ message`, `✗ message` or `• message`, then the details indented.
    public var text: String {
        (["\(symbol) \(message)"] + details.map { "    \($0)" }).joined(separator: "\n")
    }

    private var symbol: String {
        switch outcome {
        case .ok: "✓"
        case .failed: "✗"
        case .skipped: "•"
        }
    }

    /// ``text`` with the step's duration after its first line: `✓ started alice (pid 4242) · 0.4 s`.
    public var timedText: String {
        let duration = outcome == .skipped ? "" : " · " + (seconds < 10 ? String(format: "%.2f s", seconds) : String(format: "%.1f s", seconds))
        return (["\(symbol) \(message)\(duration)"] + details.map { "    \($0)" }).joined(separator: "\n")
    }

    /// The report as one JSON object on one line.
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"step":"\#(step)"}"#
    }
}
