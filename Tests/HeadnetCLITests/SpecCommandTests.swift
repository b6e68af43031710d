import ArgumentParser
import ClusterSpec
import Foundation
import Processes
import Testing

@testable import HeadnetCLI

@Suite struct SpecCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func shippedSpecsAreValid() throws {
        for name in ["devnet.yaml", "devnet-tls.yaml", "five.yaml"] {
            let spec = try SpecReader.load(path: Self.root.appendingPathComponent("clusters/\(name)").path, checkBinaries: false)
            #expect(!spec.nodes.isEmpty, "\(name)")
        }
        let tls = try SpecReader.load(path: Self.root.appendingPathComponent("clusters/devnet-tls.yaml").path, checkBinaries: false)
        #expect(tls.tlsEnabled)
        let five = try SpecReader.load(path: Self.root.appendingPathComponent("clusters/five.yaml").path, checkBinaries: false)
        #expect(five.nodes.count == 5)
    }

    @Test func initParsesAndWritesAValidSpec() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-init-\(UUID().uuidString)/c.yaml")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        var command = try InitCommand.parse(["--nodes", "5", "--tls", "--out", out.path, "--name", "five"])
        #expect(command.nodes == 5 && command.tls)
        try command.run()
        let spec = try SpecReader.load(path: out.path, checkBinaries: false)
        #expect(spec.nodes.map(\.name) == ["alice", "bob", "carol", "dave", "erin"])
        #expect(spec.tlsEnabled)
        command = try InitCommand.parse(["--out", out.path])
        #expect(throws: CLIError.self) { try command.run() }
        #expect(throws: (any Error).self) { try InitCommand.parse(["--nodes", "0"]) }
    }

    @Test func initPortIsTheFirstListenPortCheckedByTheSpecsRulesAndForFreePorts() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-init-port-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        // A port whose etcd client (− 2622) and API (− 1000) ports are free too.
        let port = try #require(try Ports.pickFree(1, offsets: [2622, 1000]).first)
        let first = directory.appendingPathComponent("first.yaml")
        try InitCommand.parse(["--port", "\(port)", "--nodes", "1", "--out", first.path]).run()
        let spec = try SpecReader.load(path: first.path, checkBinaries: false)
        #expect(spec.nodes.map(\.listen.port) == [port])
        #expect(spec.nodes.map(\.clientPort) == [port - 2622] && spec.nodes.map(\.apiPort) == [port - 1000])
        // The same ports for another spec beside it: refused, naming the spec that uses them.
        let second = directory.appendingPathComponent("second.yaml")
        do {
            try InitCommand.parse(["--port", "\(port)", "--nodes", "1", "--out", second.path]).run()
            Issue.record("ports another spec uses must be refused")
        } catch let error as CLIError {
            #expect(error.message.hasPrefix("--port \(port): alice's listen port \(port) is used by the spec \(first.path); alice's etcd client port \(port - 2622) is used by"), "\(error)")
            #expect(error.message.hasSuffix("choose another --port, or leave it out and init picks free ports"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: second.path))
        // The spec's own rules, as a wrong command line.
        for (arguments, message) in [
            (["--port", "2000"], "--port 2000: listen port 2000 is below 2622: by Hydra's rule (etcd client port = 2379 + listen port − 5001) its etcd client port would be invalid"),
            (["--port", "65534"], "--port 65534: '127.0.0.1:65536' has port 65536, out of range 1…65535"),
        ] {
            do {
                _ = try InitCommand.parse(arguments)
                Issue.record("\(arguments) must be refused")
            } catch {
                #expect(InitCommand.message(for: error) == message)
                #expect(InitCommand.exitCode(for: error) == .validationFailure)
            }
        }
    }

    @Test func validateParsesItsArguments() throws {
        #expect(try ValidateCommand.parse([]).spec == "clusters/devnet.yaml")
        let command = try ValidateCommand.parse(["x.yaml", "--json"])
        #expect(command.spec == "x.yaml" && command.json)
        #expect(try ValidateCommand.parse(["-f", "y.yaml"]).spec == "y.yaml")
    }

    @Test func generateParsesItsArguments() throws {
        let command = try GenerateCommand.parse(["clusters/five.yaml", "--out", "deploy", "--state-dir", "/srv/headnet", "--image", "ghcr.io/x/headnet:1"])
        #expect(command.spec.path == "clusters/five.yaml" && command.out == "deploy" && command.stateDir == "/srv/headnet")
        #expect(command.configDir == "/etc/headnet" && command.binary == "/usr/local/bin/headnet" && command.image == "ghcr.io/x/headnet:1")
        #expect(throws: (any Error).self) { try GenerateCommand.parse(["clusters/five.yaml"]) }
        #expect(throws: (any Error).self) { try GenerateCommand.parse(["--out", "d", "--state-dir", "relative/state"]) }
        #expect(!command.withCAKey)
        #expect(try GenerateCommand.parse(["--out", "d", "--with-ca-key"]).withCAKey)
    }

    @Test func certsRotateParsesItsArguments() throws {
        let command = try CertsRotateCommand.parse(["-f", "clusters/devnet-tls.yaml", "--json", "--timeout", "90"])
        #expect(command.spec.path == "clusters/devnet-tls.yaml" && command.output.json && command.wait.timeout == 90)
        #expect(try CertsRotateCommand.parse(["clusters/devnet-tls.yaml"]).spec.path == "clusters/devnet-tls.yaml")
        #expect(throws: (any Error).self) { try CertsRotateCommand.parse(["--timeout", "0"]) }
    }

    @Test func validateExitsOneOnAProblem() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-bad-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "apiVersion: headnet/v1\nname: x\nnodes: []\n".write(to: file, atomically: true, encoding: .utf8)
        let command = try ValidateCommand.parse([file.path, "--json"])
        do {
            try command.run()
            Issue.record("must fail")
        } catch let exit as ExitCode {
            #expect(exit == ExitCode(1))
        }
    }

    @Test func nodeCommandParsesHydraFlags() throws {
        let command = try NodeCommand.parse([
            "--node-id", "alice", "--listen", "127.0.0.1:5001", "--peer", "127.0.0.1:5002", "--peer", "127.0.0.1:5003",
            "--persistence-dir", "/tmp/x", "--api", "127.0.0.1:4100", "--protocol-version", "1",
        ])
        let configuration = try command.nodeConfiguration()
        #expect(configuration.network.peers.map(\.description) == ["127.0.0.1:5002", "127.0.0.1:5003"])
        #expect(configuration.network.clientPort == 2379)
        #expect(configuration.apiPort == 4100)
        #expect(configuration.network.protocolVersion == 1)
        #expect(throws: (any Error).self) {
            try NodeCommand.parse(["--node-id", "a", "--listen", "127.0.0.1:2000", "--persistence-dir", "/tmp/x"])
        }
    }
}

@Suite struct NodeFromSpecTests {
    @Test func nodeFromSpecWritesItsEtcdConfig() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: state) }
        let spec = SpecCommandTests.root.appendingPathComponent("clusters/devnet.yaml").path
        let command = try NodeCommand.parse(["--spec", spec, "--name", "bob", "--state-dir", state.path])
        let configuration = try command.nodeConfiguration()
        #expect(configuration.nodeID == "bob")
        #expect(configuration.apiPort == 4002)
        #expect(configuration.network.clientPort == 2380)
        #expect(configuration.network.peers.map(\.description) == ["127.0.0.1:5001", "127.0.0.1:5003"])
        let file = try #require(configuration.network.etcdConfigFile)
        #expect(file.path == state.appendingPathComponent("devnet/bob/etcd.conf.yml").path)
        #expect(try String(contentsOf: file, encoding: .utf8).contains("name: '127.0.0.1:5002'"))
        #expect(throws: (any Error).self) { try NodeCommand.parse(["--spec", spec]) }
        #expect(throws: (any Error).self) {
            try NodeCommand.parse(["--spec", spec, "--name", "mallory", "--state-dir", state.path]).nodeConfiguration()
        }
    }

    @Test func tlsSpecWithoutCertificatesSaysWhatToDo() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("headnet-state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: state) }
        let spec = SpecCommandTests.root.appendingPathComponent("clusters/devnet-tls.yaml").path
        let command = try NodeCommand.parse(["--spec", spec, "--name", "alice", "--state-dir", state.path])
        #expect(throws: (any Error).self) { try command.nodeConfiguration() }
    }
}
