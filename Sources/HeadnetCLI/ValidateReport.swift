import ClusterSpec
import Foundation

/// What `headnet validate --json` prints: one object with `spec`, `valid`, `issues` and
/// `warnings` always, `nodes` and `tls` for a valid spec, `error` for an invalid one.
struct ValidateReport: Encodable, Equatable {
    /// One issue or warning; `line` and `column` are numbers, left out when unknown.
    struct Issue: Encodable, Equatable {
        var path: String
        var line: Int?
        var column: Int?
        var message: String

        init(_ issue: SpecIssue) {
            (path, line, column, message) = (issue.path, issue.line, issue.column, issue.message)
        }
    }

    var spec: String
    var valid: Bool
    var error: String?
    var issues: [Issue] = []
    var warnings: [Issue] = []
    var nodes: Int?
    var tls: Bool?

    /// The report of a spec without errors.
    init(spec: String, check: SpecCheck) {
        self.spec = spec
        valid = true
        warnings = check.warnings.map(Issue.init)
        nodes = check.spec.nodes.count
        tls = check.spec.tlsEnabled
    }

    /// The report of a spec that failed.
    init(spec: String, error: SpecError) {
        self.spec = spec
        valid = false
        self.error = error.message
        issues = error.issues.map(Issue.init)
    }

    /// One line of JSON with sorted keys.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
