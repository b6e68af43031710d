import ArgumentParser
import ClusterSpec
import Deploy
import Foundation
import HeadnetCore
import Processes

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
    @Option(help: "Cluster name (names the state directory .headnet/<name> in the spec's project).")
    public var name: String = "devnet"

    /// First listen port.
    @Option(help: ArgumentHelp(
        "The first node's listen port; the next nodes take the ports after it (\(HydraPorts.clientRule), "
            + "\(HydraPorts.apiRule)). Default: the first block of free ports from 5001, 5011, 5021, …",
        valueName: "port"))
    public var port: Int?

    /// Output path.
    @Option(help: "Where to write the spec.")
    public var out: String = "clusters/devnet.yaml"

    /// Overwrite.
    @Flag(help: "Overwrite an existing file.")
    public var force = false

    /// Creates the command.
    public init() {}

    /// Checks the flags; `--port` by the spec's own rules (the listen port of every node it
    /// gives must be one the spec accepts).
    public func validate() throws {
        guard (1...99).contains(nodes) else { throw ValidationError("--nodes must be between 1 and 99") }
        if let port {
            let text = SpecWriter.devnet(name: "init", nodes: nodes, firstListenPort: port)
            do {
                _ = try SpecReader.check(text, checkBinaries: false)
            } catch let error as SpecError {
                if let problem = error.issues.first(where: { $0.path.hasPrefix("nodes[") }) {
                    throw ValidationError("--port \(port): \(problem.message)")
                }
            }
        }
    }

    /// Writes the spec, then validates what it wrote.
    public func run() throws {
        if FileManager.default.fileExists(atPath: out), !force {
            throw CLIError(.spec, "\(out) already exists; pass --force to overwrite it or --out to write elsewhere")
        }
        let taken = Self.portsOfSpecs(besides: out)
        let first = try port.map { try Self.checkPorts(from: $0, nodes: nodes, taken: taken) }
            ?? SpecWriter.firstFreeListenPort(nodes: nodes, taken: Set(taken.keys), isFree: { Ports.isFree(host: "127.0.0.1", port: $0) })
        guard let first else {
            throw CLIError(.spec, "no block of \(nodes) free ports between 5001 and 5999 (with their etcd client and API ports); stop a cluster or use fewer nodes")
        }
        let text = SpecWriter.devnet(name: name, nodes: nodes, tls: tls, firstListenPort: first)
        let check = try SpecReader.check(text, checkBinaries: false)
        let url = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        print("wrote \(out) (\(nodes) node\(nodes == 1 ? "" : "s"), listen ports \(first)…\(first + nodes - 1), TLS \(tls ? "on" : "auto")); next: headnet up -f \(out)")
        for warning in check.warnings { print("! \(warning.message)") }
    }

    /// `first` when every port of the nodes from listen port `first` is free and used by no other
    /// spec in `taken`; else an error naming each port in the way and what holds it.
    static func checkPorts(from first: Int, nodes count: Int, taken: [Int: String]) throws -> Int {
        var problems: [String] = []
        for node in SpecWriter.devnetNodes(count, firstListenPort: first) {
            for (what, port) in SpecWriter.ports(of: node) {
                if let other = taken[port] {
                    problems.append("\(node.name)'s \(what) port \(port) is used by \(other)")
                } else if !Ports.isFree(host: "127.0.0.1", port: port) {
                    let holders = Ports.holders(ofPort: port).map(\.description)
                    problems.append("\(node.name)'s \(what) port \(port) is " + (holders.isEmpty ? "in use" : "held by \(holders.joined(separator: ", "))"))
                }
            }
        }
        guard problems.isEmpty else {
            throw CLIError(.spec, "--port \(first): \(problems.joined(separator: "; ")); choose another --port, or leave it out and init picks free ports")
        }
        return first
    }

    /// Every port used by the other specs in `out`'s directory, with the spec that uses it
    /// (unreadable specs are skipped).
    static func portsOfSpecs(besides out: String) -> [Int: String] {
        let file = URL(fileURLWithPath: out).standardizedFileURL
        let directory = file.deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var ports: [Int: String] = [:]
        for name in names.sorted() where (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) && name != file.lastPathComponent {
            let path = directory.appendingPathComponent(name).path
            guard let spec = try? SpecReader.load(path: path, checkBinaries: false) else { continue }
            for node in spec.nodes {
                for port in [node.listen.port, node.advertise.port, node.clientPort, node.apiPort] where ports[port] == nil {
                    ports[port] = "the spec \(((out as NSString).deletingLastPathComponent as NSString).appendingPathComponent(name))"
                }
            }
        }
        return ports
    }
}

/// `headnet validate`: reports every problem of a spec.
public struct ValidateCommand: ParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a cluster spec and print every problem with its YAML path and line.")

    @OptionGroup var specOption: SpecOption

    /// JSON output.
    @Flag(help: "Print the result as JSON.")
    public var json = false

    /// Creates the command.
    public init() {}

    /// The spec's path.
    var spec: String { specOption.path }

    /// Validates; prints warnings (`! ...` lines) but exits 0 for them; exits 1 when the spec has problems.
    public func run() throws {
        do {
            let check = try SpecReader.check(path: spec)
            let cluster = check.spec
            if json {
                print(try ValidateReport(spec: spec, check: check).json())
            } else {
                print("✓ \(spec): cluster '\(cluster.name)', \(cluster.nodes.count) node(s), TLS \(cluster.tlsEnabled ? "on" : "off")")
                for warning in check.warnings { print("! \(warning)") }
            }
        } catch let error as SpecError {
            if json {
                print(try ValidateReport(spec: spec, error: error).json())
            } else {
                var standardError = StandardError()
                print("✗ \(spec): \(error)", to: &standardError)
            }
            throw ExitCode(1)
        }
    }
}

/// `headnet generate`: writes what a cluster needs to run outside `headnet up`.
public struct GenerateCommand: ParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write etcd config files, certificates, a systemd unit and a compose file for a cluster.",
        discussion: """
            Paths inside the files are those on the machines that run the nodes (--state-dir, \
            --config-dir, --binary). Certificates already in OUT/pki are kept; delete them to make new ones. \
            The CA key is written (OUT/pki/ca-key.pem, mode 0600) only with --with-ca-key: whoever holds it \
            can issue certificates the cluster trusts, and without it none can be issued or rotated later.
            """)

    @OptionGroup var spec: SpecOption

    /// Output directory.
    @Option(help: "Directory to write into (created if needed).")
    public var out: String

    /// State root on the target hosts.
    @Option(name: .customLong("state-dir"), help: "State root on the target hosts.")
    public var stateDir: String = BundleSettings().stateDirectory

    /// Spec location on the target hosts.
    @Option(name: .customLong("config-dir"), help: "Where the spec is installed on the target hosts (<config-dir>/<cluster>.yaml).")
    public var configDir: String = BundleSettings().configDirectory

    /// Executable on the target hosts.
    @Option(help: "The headnet executable on the target hosts.")
    public var binary: String = BundleSettings().binary

    /// Container image.
    @Option(help: "Default container image in the compose file.")
    public var image: String = BundleSettings().image

    /// Template directory.
    @Option(help: "Render the .mustache templates in this directory instead of the built-in ones.")
    public var templates: String?

    /// Keep the CA key.
    @Flag(name: .customLong("with-ca-key"), help: "Also write the CA key (pki/ca-key.pem, 0600) when making new certificates.")
    public var withCAKey = false

    /// Creates the command.
    public init() {}

    /// Checks the paths are absolute (they are used on other machines).
    public func validate() throws {
        for (flag, path) in [("--state-dir", stateDir), ("--config-dir", configDir), ("--binary", binary)] where !path.hasPrefix("/") {
            throw ValidationError("\(flag) must be an absolute path on the target hosts, not '\(path)'")
        }
    }

    /// Writes the files and lists them.
    public func run() throws {
        let cluster: ClusterSpec
        let text: String
        cluster = try spec.load(checkBinaries: false)
        do {
            text = try String(contentsOfFile: spec.path, encoding: .utf8)
        } catch {
            throw CLIError(.spec, "cannot read \(spec.path)", cause: error)
        }
        var settings = BundleSettings()
        settings.stateDirectory = stateDir
        settings.configDirectory = configDir
        settings.binary = binary
        settings.image = image
        let set = try TemplateSet.locate(explicit: templates)
        let written = try ClusterBundle(spec: cluster, specText: text, settings: settings, includeCAKey: withCAKey).write(to: URL(fileURLWithPath: out), templates: set)
        for path in written { print("✓ \(out)/\(path)") }
        print("cluster '\(cluster.name)': \(written.count) files for \(cluster.nodes.count) nodes (templates from \(set.directory.path))")
    }
}

/// Writes to standard error.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
