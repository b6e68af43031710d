import ArgumentParser
import ClusterSpec
import Foundation

/// `headnet init`: writes a new cluster spec.
public struct InitCommand: ParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Write a cluster spec for a local devnet.")

    /// Number of nodes.
    @Option(help: "Number of nodes (1–10 named, more numbered).")
    public var nodes: Int = 3

    /// TLS on.
    @Flag(help: "Turn TLS on (client and peer certificates).")
    public var tls = false

    /// Cluster name.
    @Option(help: "Cluster name (names the state directory .headnet/<name>).")
    public var name: String = "devnet"

    /// Output path.
    @Option(help: "Where to write the spec.")
    public var out: String = "clusters/devnet.yaml"

    /// Overwrite.
    @Flag(help: "Overwrite an existing file.")
    public var force = false

    /// Creates the command.
    public init() {}

    /// Checks the flags.
    public func validate() throws {
        guard (1...99).contains(nodes) else { throw ValidationError("--nodes must be between 1 and 99") }
    }

    /// Writes the spec, then validates what it wrote.
    public func run() throws {
        if FileManager.default.fileExists(atPath: out), !force {
            throw ValidationError("\(out) already exists; pass --force to overwrite it or --out to write elsewhere")
        }
        let text = SpecWriter.devnet(name: name, nodes: nodes, tls: tls)
        _ = try SpecReader.parse(text, checkBinaries: false)
        let url = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        print("wrote \(out) (\(nodes) node\(nodes == 1 ? "" : "s"), TLS \(tls ? "on" : "auto")); next: headnet up \(out)")
    }
}

/// `headnet validate`: reports every problem of a spec.
public struct ValidateCommand: ParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a cluster spec and print every problem with its YAML path and line.")

    /// The spec.
    @Argument(help: "The cluster spec.")
    public var spec: String = "clusters/devnet.yaml"

    /// JSON output.
    @Flag(help: "Print the result as JSON.")
    public var json = false

    /// Creates the command.
    public init() {}

    /// Validates; exits 1 when the spec has problems.
    public func run() throws {
        do {
            let cluster = try SpecReader.load(path: spec)
            if json {
                print(#"{"spec":"\#(spec)","valid":true,"nodes":\#(cluster.nodes.count),"tls":\#(cluster.tlsEnabled)}"#)
            } else {
                print("✓ \(spec): cluster '\(cluster.name)', \(cluster.nodes.count) node(s), TLS \(cluster.tlsEnabled ? "on" : "off")")
            }
        } catch let error as SpecError {
            if json {
                let issues = error.issues.map { issue in
                    ["path": issue.path, "line": issue.line.map(String.init) ?? "", "message": issue.message]
                }
                let data = try JSONSerialization.data(
                    withJSONObject: ["spec": spec, "valid": false, "error": error.message, "issues": issues], options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                var standardError = StandardError()
                print("✗ \(spec): \(error)", to: &standardError)
            }
            throw ExitCode(1)
        }
    }
}

/// Writes to standard error.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
