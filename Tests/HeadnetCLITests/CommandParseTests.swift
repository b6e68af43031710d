import ArgumentParser
import ClusterSpec
import Deploy
import Foundation
import HeadnetCore
import Health
import Testing

@testable import HeadnetCLI

/// How commands take the spec, follow flags and the rest, without running them.
@Suite struct CommandParseTests {
    @Test func theSpecComesFromTheFlagTheLastArgumentOrTheDefault() throws {
        #expect(try StatusCommand.parse(["-f", "a.yaml"]).spec.path == "a.yaml")
        #expect(try StatusCommand.parse(["--spec", "a.yaml", "--json"]).spec.path == "a.yaml")
        #expect(try StatusCommand.parse(["a.yaml"]).spec.path == "a.yaml")
        #expect(try BroadcastCommand.parse(["alice", "hi", "-f", "a.yaml"]).spec.path == "a.yaml")
        let broadcast = try BroadcastCommand.parse(["alice", "hi", "a.yaml"])
        #expect(broadcast.text == "hi" && broadcast.spec.path == "a.yaml")
        if ProcessInfo.processInfo.environment["HEADNET_SPEC"] == nil {
            #expect(try StatusCommand.parse([]).spec.path == "clusters/devnet.yaml")
        }
        // Two different specs is a wrong command line.
        #expect(throws: (any Error).self) { try StatusCommand.parse(["-f", "a.yaml", "b.yaml"]) }
        #expect(throws: (any Error).self) { try BroadcastCommand.parse(["alice", "", "a.yaml"]) }
    }

    @Test func broadcastTakesAValidIdempotencyKey() throws {
        let keyed = try BroadcastCommand.parse(["alice", "hi", "--idempotency-key", "sender-42", "-f", "a.yaml"])
        #expect(keyed.idempotencyKey == "sender-42" && keyed.spec.path == "a.yaml")
        #expect(try BroadcastCommand.parse(["alice", "hi"]).idempotencyKey == nil)
        for bad in ["", "two words", String(repeating: "k", count: 256)] {
            #expect(throws: (any Error).self, "'\(bad)'") { try BroadcastCommand.parse(["alice", "hi", "--idempotency-key", bad]) }
        }
        let node = try NodeCommand.parse(["--node-id", "n", "--listen", "127.0.0.1:5001", "--persistence-dir", "/tmp/n", "--idempotency-window", "500"])
        #expect(try node.nodeConfiguration().network.idempotencyWindow == 500)
        #expect(try NodeCommand.parse(["--node-id", "n", "--listen", "127.0.0.1:5001", "--persistence-dir", "/tmp/n"])
            .nodeConfiguration().network.idempotencyWindow == 100_000)
        #expect(throws: (any Error).self) {
            try NodeCommand.parse(["--node-id", "n", "--listen", "127.0.0.1:5001", "--persistence-dir", "/tmp/n", "--idempotency-window", "0"])
        }
    }

    @Test func whereFollowIsDashFTheSpecIsLongOnly() throws {
        let logs = try LogsCommand.parse(["carol", "-f", "--spec", "a.yaml", "--trace"])
        #expect(logs.follow && logs.trace && logs.spec.path == "a.yaml")
        let tail = try TailCommand.parse(["carol", "-f", "-n", "5", "a.yaml"])
        #expect(tail.follow && tail.lines == 5 && tail.spec.path == "a.yaml")
        #expect(throws: (any Error).self) { try LogsCommand.parse(["carol", "--etcd", "--trace"]) }
        #expect(throws: (any Error).self) { try TailCommand.parse(["carol", "-n", "-1"]) }
    }

    @Test func aSpecRightAfterDashFIsWarnedAboutWhereDashFIsFollow() throws {
        let arguments = ["headnet", "logs", "bob", "-f", "t3.yaml"]
        let logs = try LogsCommand.parse(Array(arguments.dropFirst(2)))
        #expect(logs.follow && logs.spec.path == "t3.yaml", "-f stays follow")
        #expect(logs.spec.followWarning(command: "logs", arguments: arguments)
            == "warning: -f means --follow in `logs`; t3.yaml is read as the spec. Give the spec with --spec t3.yaml to make that explicit")
        let apart = ["headnet", "tail", "bob", "-f", "-n", "5", "t3.yaml"]
        #expect(try TailCommand.parse(Array(apart.dropFirst(2))).spec.followWarning(command: "tail", arguments: apart) == nil)
        let explicit = ["headnet", "tail", "bob", "-f", "--spec", "t3.yaml"]
        #expect(try TailCommand.parse(Array(explicit.dropFirst(2))).spec.followWarning(command: "tail", arguments: explicit) == nil)
        for help in [LogsCommand.helpMessage(columns: 400), TailCommand.helpMessage(columns: 400)] {
            #expect(help.contains("-f means --follow here (as in `tail -f`), not --spec: give the spec with --spec FILE"), "\(help)")
            #expect(help.contains("No short form here: -f means --follow."), "\(help)")
        }
    }

    @Test func aNegativeFromIsRefusedForWhatItIsInBothForms() throws {
        for arguments in [["carol", "--from", "-5"], ["carol", "--from=-5"]] {
            do {
                _ = try TailCommand.parse(arguments)
                Issue.record("\(arguments) must be refused")
            } catch {
                #expect(TailCommand.message(for: error) == "--from must be 0 or more", "\(arguments)")
            }
        }
        let tail = try TailCommand.parse(["carol", "--from", "3", "-f", "a.yaml"])
        #expect(tail.from == 3 && tail.follow && tail.spec.path == "a.yaml")
        #expect(try TailCommand.parse(["carol", "-n", "2", "--from", "0"]).lines == 2)
    }

    @Test func upAndDownTakeTheirFlags() throws {
        let up = try UpCommand.parse(["--retain", "-f", "a.yaml", "--state-dir", "/s"])
        #expect(up.options.retain && up.spec.path == "a.yaml" && up.state.stateDir == "/s")
        let start = try StartCommand.parse(["carol", "--timeout", "5", "--retain", "-f", "a.yaml"])
        #expect(start.target.node == "carol" && start.options.timeout == 5 && start.options.retain && start.target.spec.path == "a.yaml")
        #expect(try StopCommand.parse(["carol", "a.yaml"]).target.spec.path == "a.yaml")
        #expect(try DownCommand.parse(["--purge", "a.yaml"]).purge)
        #expect(try NodeCommand.parse(["-f", "a.yaml", "--name", "bob"]).spec == "a.yaml")
    }

    @Test func upAndStartTakeATimeoutOfZeroAndNothingBelow() {
        #expect((try? UpCommand.parse(["--timeout", "0"]))?.options.timeout == 0)
        #expect(throws: (any Error).self) { try UpCommand.parse(["--timeout", "-1"]) }
        #expect(throws: (any Error).self) { try StartCommand.parse(["carol", "--timeout", "-1"]) }
    }

    @Test func everyCommandThatWaitsForCatchUpRefusesATimeoutBelowOneSecond() {
        let commands: [(String, (([String]) throws -> Any))] = [
            ("restart", { try RestartCommand.parse(["--rolling"] + $0) }), ("certs rotate", { try CertsRotateCommand.parse($0) }),
            ("member add", { try MemberAddCommand.parse(["dave", "--listen", "127.0.0.1:5004"] + $0) }),
            ("member promote", { try MemberPromoteCommand.parse(["dave"] + $0) }),
        ]
        for (name, parse) in commands {
            #expect(throws: (any Error).self, "\(name) --timeout 0") { try parse(["--timeout", "0"]) }
            #expect((try? parse(["--timeout", "1"])) != nil, "\(name) --timeout 1")
        }
    }

    @Test func stateLivesBesideTheSpecsProject() {
        #expect(StateLayout.defaultRoot(forSpecAt: "/p/clusters/devnet.yaml").path == "/p/.headnet")
        #expect(StateLayout.defaultRoot(forSpecAt: "/p/specs/devnet.yaml").path == "/p/specs/.headnet")
        #expect(StateLayout.defaultRoot(forSpecAt: "/p/x/../clusters/a.yaml").path == "/p/.headnet")
    }

    @Test func envExportsTheTLSFilesOrUnsetsThem() {
        let spec = ClusterSpec(name: "d", nodes: [NodeSpec(name: "alice", listen: Address(host: "127.0.0.1", port: 5001))])
        let pki = ClusterPKI(directory: URL(fileURLWithPath: "/p/.headnet/d/pki"))
        let plain = EnvCommand.exports(spec: spec, node: spec.nodes[0], pki: pki)
        #expect(plain.contains("export ETCDCTL_ENDPOINTS='http://127.0.0.1:2379'"))
        #expect(plain.contains("unset ETCDCTL_CACERT ETCDCTL_CERT ETCDCTL_KEY"))
        var tls = spec
        tls.tls = .on
        let secure = EnvCommand.exports(spec: tls, node: tls.nodes[0], pki: pki)
        #expect(secure.contains("export ETCDCTL_ENDPOINTS='https://127.0.0.1:2379'"))
        #expect(secure.contains("export ETCDCTL_CACERT='/p/.headnet/d/pki/ca.pem'"))
        #expect(secure.contains("export ETCDCTL_KEY='/p/.headnet/d/pki/client-key.pem'"))
        #expect(ShellWord.quoted("it's") == #"'it'\''s'"#)
    }

    @Test func healthHintsCarryTheSpecTheUserNamed() {
        #expect(HealthHints.withSpec("start it: `headnet up`", spec: "t3.yaml") == "start it: `headnet up -f t3.yaml`")
        #expect(HealthHints.withSpec("`headnet logs bob --trace` shows what the node sees", spec: "t3.yaml")
            == "`headnet logs bob --trace --spec t3.yaml` shows what the node sees", "-f means follow in logs")
        #expect(HealthHints.withSpec("`headnet status`, then `headnet logs NODE --trace`", spec: "my specs/t3.yaml")
            == "`headnet status -f 'my specs/t3.yaml'`, then `headnet logs NODE --trace --spec 'my specs/t3.yaml'`")
        #expect(HealthHints.withSpec("compact, `etcdctl alarm disarm`; `headnet up -f x.yaml`", spec: "t3.yaml")
            == "compact, `etcdctl alarm disarm`; `headnet up -f x.yaml`", "other programs and commands with a spec are left alone")
        let results = [CheckResult(check: "node API", subject: "bob", verdict: .fail, evidence: "down", hint: "start it: `headnet up`")]
        #expect(HealthHints.withSpec(results, spec: "t3.yaml").first?.hint == "start it: `headnet up -f t3.yaml`")
        #expect(HealthHints.withSpec(results, spec: "clusters/devnet.yaml") == results, "the default spec needs no -f")
    }

    @Test func initPicksPortsNoOtherSpecUses() {
        let taken: Set<Int> = [5001, 5002, 5003, 2379, 2380, 2381, 4001, 4002, 4003]
        #expect(SpecWriter.firstFreeListenPort(nodes: 3, taken: taken, isFree: { _ in true }) == 5011)
        #expect(SpecWriter.firstFreeListenPort(nodes: 3, taken: [], isFree: { $0 != 4002 }) == 5011)
        #expect(SpecWriter.firstFreeListenPort(nodes: 3, taken: [], isFree: { _ in false }) == nil)
    }

    @Test func healthTakesASpecOrEndpoints() throws {
        #expect(try HealthCommand.parse(["-f", "a.yaml", "--json"]).json)
        let endpoints = try HealthCommand.parse(["--endpoints", "http://h:2379,http://k:2379", "--tls-dir", "/pki", "--watch", "5"])
        #expect(endpoints.endpoints == "http://h:2379,http://k:2379" && endpoints.tlsDirectory == "/pki" && endpoints.watch == 5)
        #expect(throws: (any Error).self) { try HealthCommand.parse(["--cacert", "ca.pem"]) }
        #expect(throws: (any Error).self) { try HealthCommand.parse(["--endpoints", "http://h:2379", "--cacert", "ca.pem"]) }
        #expect(throws: (any Error).self) { try HealthCommand.parse(["--watch", "0"]) }
        #expect(throws: (any Error).self) { try HealthCommand.parse(["--watch", "2", "--json"]) }
    }

    @Test func snapshotAndDefragTakeTheFileThenTheSpec() throws {
        let save = try SnapshotSaveCommand.parse(["backup.db", "--node", "carol", "-f", "a.yaml"])
        #expect(save.file == "backup.db" && save.node == "carol" && save.spec.path == "a.yaml")
        let positional = try SnapshotSaveCommand.parse(["backup.db", "a.yaml"])
        #expect(positional.file == "backup.db" && positional.node == nil && positional.spec.path == "a.yaml")
        let restore = try SnapshotRestoreCommand.parse(["backup.db", "--spec", "a.yaml", "--state-dir", "/s"])
        #expect(restore.file == "backup.db" && restore.spec.path == "a.yaml" && restore.state.stateDir == "/s")
        #expect(try DefragCommand.parse(["a.yaml"]).spec.path == "a.yaml")
        #expect(try SnapshotSaveCommand.parse(["backup.db", "--json"]).output.json && DefragCommand.parse(["--json"]).output.json)
        #expect(throws: (any Error).self) { try SnapshotSaveCommand.parse([]) }
        #expect(throws: (any Error).self) { try SnapshotRestoreCommand.parse(["backup.db", "--node", "carol"]) }
        #expect(throws: (any Error).self) { try DefragCommand.parse(["-f", "a.yaml", "b.yaml"]) }
    }

    @Test func sizesAreReadable() {
        #expect(ByteCount.text(512) == "512 bytes")
        #expect(ByteCount.text(20480) == "20.0 KiB")
        #expect(ByteCount.text(20512, exact: true) == "20.0 KiB (20512 bytes)")
        #expect(ByteCount.text(3 << 20) == "3.0 MiB")
    }
}
