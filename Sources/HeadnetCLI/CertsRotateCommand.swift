import ArgumentParser
import Deploy
import Foundation
import Orchestrator
import Processes

/// `headnet certs rotate`: new leaf certificates from the kept CA, rolled out by a rolling
/// restart, the old ones revoked once no node uses them.
public struct CertsRotateCommand: AsyncParsableCommand {
    /// Command name and help.
    public static let configuration = CommandConfiguration(
        commandName: "rotate", abstract: "Replace every node's and the client's certificate, restarting one node at a time, then revoke the old ones.",
        discussion: """
            Needs TLS on and the CA key in the state's pki/ directory (`headnet up` keeps it there; \
            certificates made by an older headnet have none, and the error says what to do). Refuses unless `headnet health` passes. Issues new certificates (new keys, new serial \
            numbers) next to the old ones, installs the client's, then restarts the nodes as `headnet restart \
            --rolling` does, each onto its new certificates. Only when every node runs on them is the \
            revocation list (pki/crl.pem) installed: etcd refuses the old certificates from then on, and reads \
            the list on each connection, so no second restart is needed. A failed step ends the run with \
            nothing revoked; run it again once `headnet health` passes. Exit status: 0 when every step \
            succeeded and health passes afterwards (within --timeout), 1 otherwise.
            """)

    @OptionGroup var spec: SpecOption
    @OptionGroup var state: StateOption

    /// `--timeout`.
    @OptionGroup var wait: WaitOptions

    /// `--json`.
    @OptionGroup var output: StepOutputOptions

    /// Creates the command.
    public init() {}

    /// Checks the arguments.
    public func validate() throws {
    }

    /// Checks TLS, the CA key and health; rotates; checks health again.
    public func run() async throws {
        let started = ContinuousClock.now
        let runner = try spec.runner(state: state)
        try runner.requireNodesOnThisMachine()
        let cluster = runner.spec
        guard cluster.tlsEnabled else {
            throw CLIError(.spec, "cluster '\(cluster.name)' has TLS off (\(spec.path)): there are no certificates to rotate; set `tls: on` to use them")
        }
        try runner.rotation.authority()
        let outcome: Orchestrator.Outcome
        let printer = output.printer
        switch await Orchestrator(runner: runner.roles).rotateCertificates(timeoutSeconds: wait.timeout, report: { printer($0) }) {
        case .failure(let refusal): throw CLIError(.cluster, "not rotating: \(refusal.message)")
        case .success(let value): outcome = value
        }
        guard outcome.succeeded else {
            throw CLIError(
                .cluster, "rotation stopped at the failed step; nothing is revoked, so old and new certificates both work. "
                    + RestartCommand.stateAfterFailure(runner, specArgument: spec.path)
                    + ". Then run `headnet certs rotate -f \(spec.path)` again: it issues new certificates for every node "
                    + "and revokes the old ones and those this run issued")
        }
        if let unhealthy = await Orchestrator(runner: runner.roles).requireHealthy(
            settleSeconds: wait.timeout, label: "health with the old certificates revoked",
            advice: "If something still presents a replaced certificate, its etcd log says so: `headnet logs NODE --etcd | grep 'rejected connection'`",
            report: { printer($0) })
        {
            throw CLIError(.cluster, "rotated, but: \(unhealthy.message)")
        }
        guard !output.json else { return }
        let elapsed = started.duration(to: .now)
        let seconds = elapsed.inSeconds
        print("rotated the certificates of cluster '\(cluster.name)' (\(cluster.nodes.count) nodes and the client) in \(String(format: "%.1f", seconds)) s")
    }
}
