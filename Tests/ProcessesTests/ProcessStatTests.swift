import EtcdTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Processes

/// `/proc/<pid>/stat` as the kernel writes it, and a real stopped process.
@Suite struct ProcessStatTests {
    @Test func parsesTheFieldsAfterTheCommandNameEvenWhenItHoldsParentheses() throws {
        let line = "4242 (node (x) y) T 1 4242 4242 0 -1 4194304 1 0 0 0 120 30 0 0 20 0 9 0 5000 123456789 2048 18446744073709551615"
        let stat = try #require(ProcessStat.parse(line))
        #expect(stat.state == .stopped && stat.state.isStopped)
        #expect(stat.userTicks == 120 && stat.systemTicks == 30)
        #expect(stat.startTicks == 5000 && stat.virtualBytes == 123_456_789 && stat.residentPages == 2048)
        #expect(ProcessStat.parse("4242 (x) Z 1 2")?.state == nil, "too few fields")
        #expect(ProcessStat.parse("no parenthesis") == nil)
        for (letter, state) in [("R", ProcessStat.State.running), ("S", .sleeping), ("D", .diskSleep), ("t", .tracingStop), ("Z", .zombie)] {
            #expect(ProcessStat.parse(line.replacingOccurrences(of: ") T ", with: ") \(letter) "))?.state == state)
        }
    }

    @Test func ourselvesRunAndUseMemoryAndCPU() throws {
        let stat = try #require(ProcessStat.read(getpid()))
        #expect(!stat.state.isStopped)
        #expect(stat.residentBytes > 0)
        let started = try #require(stat.startTimeSeconds)
        #expect(abs(started - Date().timeIntervalSince1970) < 86_400)
        #expect((ProcessStat.openDescriptors(getpid()) ?? 0) > 2)
    }

    @Test func aProcessStoppedWithSIGSTOPIsStoppedUntilSIGCONT() async throws {
        let sleeper = try await ChildProcess.start(ProcessSpec("/bin/sleep", ["30"]), output: .discarded)
        defer { kill(sleeper.pid, SIGKILL) }
        kill(sleeper.pid, SIGSTOP)
        try await eventually("sleep stopped") { ProcessControl.isStopped(sleeper.pid) }
        #expect(ProcessControl.stoppedPID(sleeper.pid) == sleeper.pid)
        kill(sleeper.pid, SIGCONT)
        try await eventually("sleep resumed") { !ProcessControl.isStopped(sleeper.pid) }
        #expect(ProcessControl.stoppedPID(sleeper.pid) == nil && ProcessControl.stoppedPID(nil) == nil)
    }

}
