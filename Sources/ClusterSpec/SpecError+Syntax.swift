import Yams

extension SpecError {
    /// A `.syntax` error for YAML that does not parse: one issue with the line and column of
    /// libyaml's problem, stated once, and a hint when a tab or inconsistent indentation is the
    /// likely cause.
    /// `document` names the file's kind in the message (`spec`, `drill`).
    public static func syntax(_ error: YamlError, yaml: String, document: String = "spec") -> SpecError {
        let problem: String
        let context: YamlError.Context?
        let line: Int
        let column: Int
        switch error {
        case .scanner(let yamlContext, let text, let mark, _), .parser(let yamlContext, let text, let mark, _),
            .composer(let yamlContext, let text, let mark, _):
            (problem, context, line, column) = (text, yamlContext, mark.line, mark.column)
        case .duplicatedKeysInMapping(let duplicates, let yamlContext):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            problem = "duplicate key \(keys): a mapping may give a key once; this is its first use"
            (context, line, column) = (nil, yamlContext.mark.line, yamlContext.mark.column)
        default:
            return SpecError(.syntax, "the \(document) is not valid YAML: \(error)", cause: error)
        }
        var message = problem
        if let context {
            message += " \(context.text)"
            if context.mark.line != line { message += " that starts at line \(context.mark.line)" }
        }
        if let hint = hint(problem: problem, line: line, yaml: yaml) { message += "; hint: \(hint)" }
        return SpecError(
            .syntax, "the \(document) is not valid YAML:",
            issues: [SpecIssue(path: "", line: line, column: column, message: message)], cause: error)
    }

    /// libyaml problems that usually mean a block is indented wrongly.
    static let indentationProblems = [
        "mapping values are not allowed", "did not find expected key", "did not find expected '-' indicator",
        "block sequence entries are not allowed", "could not find expected ':'",
    ]

    /// A tab in the leading whitespace of the offending line (else of the first line with one)
    /// explains most errors; otherwise an indentation problem gets a general hint.
    static func hint(problem: String, line: Int, yaml: String) -> String? {
        let lines = yaml.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        let tabbed = lines.indices.filter { lines[$0].prefix { $0 == " " || $0 == "\t" }.contains("\t") }.map { $0 + 1 }
        if let tab = tabbed.contains(line) ? line : tabbed.first {
            return "YAML indentation must use spaces; line \(tab) has a tab"
        }
        if indentationProblems.contains(where: problem.contains) {
            return "check the indentation near line \(line): keys of one mapping and items of one list start in the same column, "
                + "nested ones further right"
        }
        return nil
    }
}
