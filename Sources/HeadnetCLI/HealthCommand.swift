import ArgumentParser
import ClusterSpec
import Deploy
import EtcdClient
import Foundation
import Health
import Orchestrator

/// `headnet health`: checks a running head — a headnet cluster from its spec, or any head's
/// etcd from its endpoints (real `hydra-node`s included).
public struct HealthCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check a running head: etcd members, leader and quorum, keys in either dialect, nodes and the compaction horizon.",
        discussion: """
            With a spec (the default), the cluster's etcd members and its nodes' APIs are checked. With \
            --endpoints, only etcd is: no spec and no headnet node are needed, so it works against the \
            etcd of real hydra-nodes. Each check says ok, warn or fail, what it saw and what to do. \
            Exit status: 1 when a check fails, else 0 (a warning alone is 0).
            """)

    @OptionGroup var spec: SpecOption
    @OptionGroup var state: StateOption

    /// etcd endpoints instead of a spec.
    @Option(help: "etcd client URLs, comma-separated (no spec needed), e.g. http://10.0.0.1:2379,http://10.0.0.2:2379.")
    public var endpoints: String?

    /// A directory with ca.pem, client.pem and client-key.pem.
    @Option(name: .customLong("tls-dir"), help: "Directory with ca.pem, client.pem and client-key.pem (with --endpoints).")
    public var tlsDirectory: String?

    /// CA file.
    @Option(help: "CA certificate (with --endpoints).")
    public var cacert: String?
    /// Client certificate.
    @Option(help: "Client certificate (with --endpoints).")
    public var cert: String?
    /// Client key.
    @Option(help: "Client key (with --endpoints).")
    public var key: String?

    /// JSON output.
    @Flag(help: "Print the report as JSON.")
    public var json = false

    /// Re-run every N seconds.
    @Option(help: "Run again every SECONDS and print what changed (until interrupted).")
    public var watch: Int?

    /// Creates the command.
    public init() {}

    /// Checks the flags.
    public func validate() throws {
        let tlsFlags = [cacert, cert, key].compactMap { $0 }
        if endpoints == nil, tlsDirectory != nil || !tlsFlags.isEmpty { throw ValidationError("--tls-dir, --cacert, --cert and --key go with --endpoints") }
        if !tlsFlags.isEmpty, tlsFlags.count != 3 { throw ValidationError("give --cacert, --cert and --key together") }
        if tlsDirectory != nil, !tlsFlags.isEmpty { throw ValidationError("give --tls-dir or --cacert/--cert/--key, not both") }
        if let watch, watch < 1 { throw ValidationError("--watch takes a number of seconds, 1 or more") }
        if watch != nil, json { throw ValidationError("--watch prints changes as text; it does not go with --json") }
    }

    /// Runs the checks and prints them; exits 1 when one fails. With `--watch`, runs again and
    /// again, printing what changed, until interrupted.
    public func run() async throws {
        var report = try await makeReport()
        print(json ? try Self.json(report) : Self.text(report))
        if let watch {
            while true {
                try await Task.sleep(for: .seconds(watch))
                let next = try await makeReport()
                let changes = ReportChanges.lines(from: report, to: next)
                let time = Date().formatted(.iso8601.time(includingFractionalSeconds: false))
                if !changes.isEmpty {
                    print("\(time) health: \(next.verdict.rawValue)")
                    for line in changes { print("  \(line)") }
                }
                report = next
            }
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    private func makeReport() async throws -> HealthReport {
        guard let endpoints else { return try await clusterReport() }
        let list = endpoints.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let snapshot = await EtcdInspector(endpoints: list, tls: endpointTLS).snapshot()
        return HealthReport(results: HealthChecks().evaluate(snapshot))
    }

    private var endpointTLS: EtcdClientConfiguration.TLS? {
        if let tlsDirectory { return ClusterPKI(directory: URL(fileURLWithPath: tlsDirectory)).clientTLS }
        if let cacert, let cert, let key { return .init(caFile: cacert, certFile: cert, keyFile: key) }
        return nil
    }

    /// The spec's cluster: etcd through its client ports, then each node's API, then the
    /// certificates' expiry (not part of the gate before restarts and rotations, `ClusterRunner.health()`:
    /// an expired certificate must not keep
    /// `headnet certs rotate` from replacing it).
    private func clusterReport() async throws -> HealthReport {
        let runner = try spec.runner(state: state, checkBinaries: false)
        let report = await runner.roles.health()
        return HealthReport(results: report.results + HealthHints.withSpec(CertificateHealth.results(runner), spec: spec.path))
    }

    static func text(_ report: HealthReport) -> String {
        var rows = [["VERDICT", "CHECK", "ON", "EVIDENCE"]]
        for result in report.results {
            rows.append([result.verdict == .ok ? "ok" : result.verdict.rawValue.uppercased(), result.check, result.subject ?? "-", result.evidence])
        }
        var lines = [Table.render(rows)]
        let problems = report.results.filter { $0.verdict != .ok && !$0.hint.isEmpty }
        if !problems.isEmpty {
            lines.append("")
            lines += problems.map { "\($0.verdict == .fail ? "✗" : "!") \($0.check)\($0.subject.map { " (\($0))" } ?? ""): \($0.hint)" }
        }
        let fails = report.results.filter { $0.verdict == .fail }.count
        let warns = report.results.filter { $0.verdict == .warn }.count
        lines.append("health: \(report.verdict == .ok ? "ok" : report.verdict == .warn ? "ok with warnings" : "FAILING") — \(report.results.count) checks, \(warns) warn, \(fails) fail")
        return lines.joined(separator: "\n")
    }

    static func json(_ report: HealthReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        struct Document: Encodable {
            var verdict: Verdict
            var results: [CheckResult]
        }
        return String(decoding: try encoder.encode(Document(verdict: report.verdict, results: report.results)), as: UTF8.self)
    }
}
