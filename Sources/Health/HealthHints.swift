import ClusterSpec
import HeadnetCore

/// The commands that `headnet health`'s hints suggest, made ready to copy for the spec the user
/// named: `start it: `headnet up`` becomes `start it: `headnet up -f t3.yaml``.
public enum HealthHints {
    /// `results` with ``withSpec(_:spec:)`` applied to each hint; unchanged for the default spec
    /// (`clusters/devnet.yaml`, what the commands read when given none).
    public static func withSpec(_ results: [CheckResult], spec: String) -> [CheckResult] {
        guard spec != ClusterSpec.defaultPath else { return results }
        return results.map { result in
            var result = result
            result.hint = withSpec(result.hint, spec: spec)
            return result
        }
    }

    /// `hint` with the spec added to each command in backquotes that starts with `headnet ` and
    /// names no spec of its own: `--spec SPEC` for `logs` and `tail` (where `-f` means follow),
    /// `-f SPEC` for the others. The spec is quoted for the shell when it needs to be.
    public static func withSpec(_ hint: String, spec: String) -> String {
        let argument = ShellWord.of(spec)
        var parts = hint.split(separator: "`", omittingEmptySubsequences: false).map(String.init)
        // Odd parts are between backquotes (an unpaired last backquote leaves the text after it alone).
        for index in stride(from: 1, to: parts.count - (parts.count.isMultiple(of: 2) ? 1 : 0), by: 2) {
            let words = parts[index].split(separator: " ").map(String.init)
            guard words.first == "headnet", words.count > 1, !words.contains(where: { ["-f", "--spec", "--endpoints"].contains($0) }) else { continue }
            parts[index] += ["logs", "tail"].contains(words[1]) ? " --spec \(argument)" : " -f \(argument)"
        }
        return parts.joined(separator: "`")
    }
}
