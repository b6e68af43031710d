import Testing

@testable import ClusterSpec

@Suite struct SpecSyntaxTests {
    /// The syntax error `yaml` gives; records an issue when it parses or fails otherwise.
    static func syntaxError(_ yaml: String) -> SpecError? {
        do {
            _ = try SpecReader.parse(yaml, checkBinaries: false)
            Issue.record("must fail")
        } catch let error as SpecError {
            #expect(error.code == .syntax, "\(error)")
            return error
        } catch {
            Issue.record("unexpected \(error)")
        }
        return nil
    }

    static func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func tabIndentationGetsAHintOnceWithItsLine() throws {
        let error = try #require(Self.syntaxError("apiVersion: headnet/v1\nname: x\nnodes:\n\t- {name: a, listen: 127.0.0.1:5001}\n"))
        let issue = try #require(error.issues.first)
        #expect(error.issues.count == 1)
        #expect(issue.line == 4 && issue.column != nil, "\(error)")
        let text = error.description
        #expect(Self.occurrences(of: "YAML indentation must use spaces; line 4 has a tab", in: text) == 1, "\(text)")
        #expect(Self.occurrences(of: "line 4", in: text) == 2, "the place once and the hint once: \(text)")
        #expect(Self.occurrences(of: "cannot start any token", in: text) == 1, "libyaml's problem once: \(text)")
    }

    @Test func aTabElsewhereIsNamedWhenTheErrorLineHasNone() throws {
        let yaml = "apiVersion: headnet/v1\nname: x\netcd:\n\tbinary: etcd\n  heartbeatMs: 100\nnodes: []\n"
        let error = try #require(Self.syntaxError(yaml))
        #expect(error.issues.first?.message.contains("line 4 has a tab") == true, "\(error)")
    }

    @Test func inconsistentIndentationGetsAHint() throws {
        let yaml = "apiVersion: headnet/v1\nname: x\netcd:\n    binary: etcd\n  heartbeatMs: 100\nnodes: []\n"
        let error = try #require(Self.syntaxError(yaml))
        let issue = try #require(error.issues.first)
        #expect(issue.line != nil && issue.column != nil)
        #expect(issue.message.contains("check the indentation"), "\(error)")
        #expect(!issue.message.contains("tab"))
    }

    @Test func otherSyntaxErrorsGetNoIndentationHint() throws {
        let error = try #require(Self.syntaxError("apiVersion: headnet/v1\nname: \"x\nnodes: []\n"))
        #expect(error.issues.first?.message.contains("hint") == false, "\(error)")
    }

    @Test func duplicateKeysNameTheKeyAndLine() throws {
        let error = try #require(Self.syntaxError("apiVersion: headnet/v1\nname: x\nname: y\nnodes: []\n"))
        #expect(error.issues.first?.message.contains("duplicate key 'name'") == true, "\(error)")
        #expect(error.issues.first?.line != nil)
    }
}
