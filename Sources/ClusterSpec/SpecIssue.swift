import HeadnetCore

/// One problem found in a spec: where (YAML path and line) and what.
public struct SpecIssue: Sendable, Hashable, CustomStringConvertible {
    /// The YAML path, e.g. `nodes[1].listen`.
    public var path: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// What is wrong and what to do.
    public var message: String

    /// Creates an issue.
    public init(path: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line 12, column 5: nodes[1].listen: <message>` (the column only when known).
    public var description: String {
        let place = line.map { line in "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": " } ?? ""
        return place + "\(path.isEmpty ? "(document)" : path): \(message)"
    }
}

/// The one error type of `ClusterSpec`: a YAML file headnet reads (a spec, a drill) that cannot
/// be used, with every problem found.
public struct SpecError: CodedError {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// The file could not be read.
        case unreadable
        /// The YAML does not parse.
        case syntax
        /// The spec parses but has problems (see `issues`).
        case invalid
    }

    /// What kind of failure.
    public var code: Code
    /// Summary and what to do.
    public var message: String
    /// Every problem found, in document order.
    public var issues: [SpecIssue]
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, issues: [SpecIssue] = [], cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.issues = issues
        self.cause = cause
    }

    /// An `.invalid` error listing `issues` sorted by line: `the spec has 2 problems:`.
    /// `document` names the file's kind (`spec`, `drill`).
    public static func invalid(_ issues: [SpecIssue], document: String) -> SpecError {
        let sorted = issues.sorted { ($0.line ?? Int.max, $0.path) < ($1.line ?? Int.max, $1.path) }
        return SpecError(.invalid, "the \(document) has \(sorted.count) problem\(sorted.count == 1 ? "" : "s"):", issues: sorted)
    }

    /// The message and one line per issue: its own text, with the issues and without the cause
    /// (a syntax error's message already quotes it).
    public var description: String {
        ([message] + issues.map { "  \($0)" }).joined(separator: "\n")
    }
}
