import EtcdTesting
import Foundation
import Testing

@testable import Processes

#if canImport(Glibc)
import Glibc
#endif

/// The process table with real processes (`/bin/sh`), and the helpers on its entries.
@Suite struct ProcessTableTests {
    @Test func aChildIsFoundWithItsArgumentsAndWorkingDirectory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("processes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // /proc/<pid>/cwd names the directory with its symbolic links resolved.
        let real = try #require(realpath(directory.path, nil).map { path in defer { free(path) }; return String(cString: path) })
        let marker = "process-table-\(UUID().uuidString)"
        // `; :` keeps the shell from replacing itself with sleep: the arguments stay the shell's.
        let arguments = ["-c", "sleep 30; :", marker, "--spec", "node.yaml", "--name=n1"]
        try await ChildProcess.with(ProcessSpec("/bin/sh", arguments, workingDirectory: directory)) { child in
            var found: [RunningProcess] = []
            try await eventually("the shell to show up in the process table") {
                found = ProcessTable.snapshot().filter { $0.arguments.contains(marker) }
                return !found.isEmpty
            }
            #expect(found.count == 1)
            let shell = try #require(found.first)
            #expect(shell.pid == child.pid)
            #expect(shell.arguments.first?.hasSuffix("sh") == true)
            #expect(Array(shell.arguments.dropFirst()) == arguments)
            #expect(shell.workingDirectory == real)
            #expect(shell.value(of: "--spec") == "node.yaml")
            #expect(shell.value(of: "--name") == "n1")
            #expect(shell.resolvedPath("node.yaml") == real + "/node.yaml")
        }
    }

    @Test func theSnapshotHasThisProcessAndNoKernelThreads() throws {
        let snapshot = ProcessTable.snapshot()
        #expect(snapshot.allSatisfy { !$0.arguments.isEmpty })
        #expect(snapshot.map(\.pid) == snapshot.map(\.pid).sorted())
        let this = try #require(snapshot.first { $0.pid == getpid() })
        let cwd = try #require(getcwd(nil, 0).map { path in defer { free(path) }; return String(cString: path) })
        #expect(this.workingDirectory == cwd)
        #expect(this.arguments.first.map { !$0.isEmpty } == true)
    }

    @Test func zombiesAreLeftOut() async throws {
        let null = URL(fileURLWithPath: "/dev/null")
        let pid = try DetachedProcess.spawn(ProcessSpec("/bin/sh", ["-c", "exit 0"]), standardOutput: null, standardError: null)
        defer {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        try await eventually("the shell to exit") { ProcessControl.isZombie(pid) }
        #expect(!ProcessTable.snapshot().contains { $0.pid == pid })
    }

    @Test func optionValuesAreReadInBothForms() {
        let node = RunningProcess(
            pid: 1, arguments: ["headnet", "node", "--spec", "a.yaml", "--name=n1", "--verbose", "--data-dir", "--", "--spec", "b.yaml"])
        #expect(node.value(of: "--spec") == "a.yaml")
        #expect(node.value(of: "--name") == "n1")
        #expect(node.value(of: "--nam") == nil)
        #expect(node.value(of: "--verbose") == nil, "an option is not a value")
        #expect(node.value(of: "--data-dir") == nil, "neither is the end of the options")
        #expect(node.value(of: "--missing") == nil)
        let repeated = RunningProcess(pid: 1, arguments: ["etcd", "--data-dir=/a", "--data-dir", "/b", "--config-file="])
        #expect(repeated.value(of: "--data-dir") == "/b", "the last one wins")
        #expect(repeated.value(of: "--config-file") == "")
        #expect(RunningProcess(pid: 1, arguments: ["--spec", "x"]).value(of: "--spec") == nil, "the program is not an option")
        #expect(RunningProcess(pid: 1, arguments: ["headnet", "--spec"]).value(of: "--spec") == nil)
    }

    @Test func relativePathsAreResolvedAgainstTheWorkingDirectory() {
        let node = RunningProcess(pid: 1, arguments: ["headnet"], workingDirectory: "/srv/run")
        #expect(node.resolvedPath("spec.yaml") == "/srv/run/spec.yaml")
        #expect(node.resolvedPath("./conf//spec.yaml") == "/srv/run/conf/spec.yaml")
        #expect(node.resolvedPath("../etc/spec.yaml") == "/srv/etc/spec.yaml")
        #expect(node.resolvedPath("../../../x") == "/x")
        #expect(node.resolvedPath(".") == "/srv/run")
        #expect(node.resolvedPath("/abs/./y//z/../w/") == "/abs/y/w")
        let unknown = RunningProcess(pid: 1, arguments: ["headnet"])
        #expect(unknown.resolvedPath("./a/../b") == "b")
        #expect(unknown.resolvedPath("../../x") == "../../x")
        #expect(unknown.resolvedPath("/abs") == "/abs")
    }

    @Test func commandLinesKeepEmptyArguments() {
        #expect(ProcessTable.arguments(fromCommandLine: Data("sh\0-c\0\0x\0".utf8)) == ["sh", "-c", "", "x"])
        #expect(ProcessTable.arguments(fromCommandLine: Data()) == [])
        #expect(ProcessTable.arguments(fromCommandLine: Data("no terminator".utf8)) == ["no terminator"])
    }
}
