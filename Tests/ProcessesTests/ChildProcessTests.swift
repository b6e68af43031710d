import EtcdTesting
import Foundation
import Testing

@testable import Processes

#if canImport(Glibc)
import Glibc
#endif

/// Real processes (`/bin/sh`), no mocks.
@Suite struct ChildProcessTests {
    @Test func linesArriveAndTheExitStatusIsAwaited() async throws {
        let child = try await ChildProcess.start(ProcessSpec("/bin/sh", ["-c", "echo one; echo two >&2; printf three; exit 3"]), output: .lines)
        var lines: [String] = []
        for await line in child.lines { lines.append(line) }
        #expect(lines.sorted() == ["one", "three", "two"])
        #expect(await child.waitForExit() == .exited(3))
        #expect(child.exitStatus?.description == "exited with code 3")
    }

    @Test func aMissingProgramIsACannotStartErrorWithTheHint() async throws {
        do {
            _ = try await ChildProcess.start(ProcessSpec("no-such-program-here", missingHint: "install it"))
            Issue.record("expected an error")
        } catch let error as ProcessError {
            #expect(error.code == .cannotStart)
            #expect(error.message == "cannot start no-such-program-here; install it")
        }
    }

    @Test func stopEscalatesWhenSIGINTIsIgnoredAndReachesTheWholeGroup() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("processes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let grandchildPID = directory.appendingPathComponent("grandchild.pid")
        // The shell ignores SIGINT; its background sleep is in the same process group.
        let script = "trap '' INT; sleep 60 & echo $! > \(grandchildPID.path); echo started; wait"
        let child = try await ChildProcess.start(ProcessSpec("/bin/sh", ["-c", script]), output: .lines)
        var iterator = child.lines.makeAsyncIterator()
        #expect(await iterator.next() == "started")
        let grandchild = try #require(PIDFile(grandchildPID).pid)
        #expect(ProcessControl.isAlive(grandchild))
        let status = await child.stop(StopSequence([.init(SIGINT, wait: .milliseconds(300)), .init(SIGTERM, wait: .seconds(5))]))
        #expect(status == .killed(signal: SIGTERM))
        #expect(status.description == "killed by SIGTERM")
        #expect(await ProcessControl.waitForExit(grandchild, timeout: .seconds(5)))
    }

    @Test func aCancelledOwnerStillGivesTheChildItsGracePeriod() async throws {
        // The child needs a moment after SIGINT; a stop from a cancelled task must not skip to SIGKILL.
        let child = try await ChildProcess.start(
            ProcessSpec("/bin/sh", ["-c", "trap 'sleep 0.3; exit 7' INT; echo started; while :; do sleep 0.05; done"]), output: .lines)
        var iterator = child.lines.makeAsyncIterator()
        #expect(await iterator.next() == "started")
        let stopping = Task { await child.stop() }
        stopping.cancel()
        #expect(await stopping.value == .exited(7))
    }

    @Test func outputGoesToAFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("processes-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("before\n".utf8).write(to: file)
        try await ChildProcess.with(ProcessSpec("/bin/sh", ["-c", "echo out; echo err >&2"]), output: .file(file)) { child in
            #expect(await child.waitForExit() == .exited(0))
        }
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.hasPrefix("before\n"))
        #expect(text.contains("out\n") && text.contains("err\n"))
    }

    @Test func theChildInheritsNoDescriptorOfOursBeyondTheStandardThree() async throws {
        let fd = open("/dev/null", O_RDONLY)  // not close-on-exec on purpose
        defer { close(fd) }
        let result = try await Command.run("/bin/sh", ["-c", "ls /proc/self/fd"])
        let descriptors = result.output.split(separator: "\n").compactMap { Int($0) }
        // ls itself opens one descriptor to read the directory.
        #expect(!descriptors.contains(Int(fd)))
        #expect(descriptors.filter { $0 > 2 }.count <= 1, "\(descriptors)")
    }

    @Test func commandCollectsOutputAndStatusInItsDirectory() async throws {
        let result = try await Command.run(
            ProcessSpec("/bin/sh", ["-c", "pwd; echo \"$GREETING\"; kill -KILL $$"], environment: ["GREETING": "hello"], workingDirectory: URL(fileURLWithPath: "/tmp")))
        #expect(result.output == "/tmp\nhello\n")
        #expect(result.status == .killed(signal: SIGKILL))
        #expect(result.status.code == 137)
    }
}

@Suite struct DetachedProcessTests {
    @Test func aDetachedProcessRunsInItsOwnSessionAndIsStoppedThroughItsPIDFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("processes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("out.log")
        let marker = "detached-test-\(UUID().uuidString)"
        let pid = try DetachedProcess.spawn(
            ProcessSpec("/bin/sh", ["-c", "echo up; sleep 60; echo never", marker]), standardOutput: log, standardError: log)
        try await eventually("the detached shell to run") { (try? String(contentsOf: log, encoding: .utf8)) == "up\n" }
        let pidFile = PIDFile(directory.appendingPathComponent("x.pid"))
        try pidFile.write(pid)
        #expect(pidFile.state { $0.contains(marker) } == .running(pid))
        #expect(pidFile.state { $0.contains("something else") } == .stale(pid))
        #expect(getsid(pid) == pid, "a session of its own")

        // The whole group goes: the shell and its sleep.
        #expect(await ProcessControl.stop(pid, group: true, sequence: .terminate(.seconds(5))))
        // Our child until reaped: a zombie, which counts as gone.
        #expect(!ProcessControl.isAlive(pid))
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(pidFile.state { _ in true } == .stale(pid))
        pidFile.remove()
        #expect(pidFile.state { _ in true } == .none)
        #expect(try String(contentsOf: log, encoding: .utf8) == "up\n", "killed before it said more")
    }

    @Test func portsInUseAreNotFree() throws {
        let port = try #require(Ports.pickFree(1).first)
        #expect(Ports.isFree(host: "127.0.0.1", port: port))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0)
        listen(fd, 1)
        #expect(!Ports.isFree(host: "127.0.0.1", port: port))
        #expect(!Ports.isFree(host: "0.0.0.0", port: port))
        #expect(!Ports.isFree(host: "localhost", port: port))
        #expect(Ports.isFree(host: "[::1]", port: port) || true)  // IPv6 may be off; it must not crash
        #expect(!Ports.isFree(host: "127.0.0.1", port: 0))
    }
}
