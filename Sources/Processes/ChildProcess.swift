import Foundation
import Subprocess
import Synchronization

#if canImport(System)
import System
#else
import SystemPackage
#endif

#if canImport(Glibc)
import Glibc
#endif

/// A running child process started with swift-subprocess: its pid, its output as a stream of
/// lines (or in a file), its exit status as an `async` value, signals to it (or its process
/// group), and a graceful stop. The child inherits only stdin (`/dev/null`), stdout and stderr.
///
/// ```swift
/// try await ChildProcess.with(ProcessSpec("etcd", args), output: .lines) { etcd in
///     for await line in etcd.lines { … }
/// }   // stopped with SIGINT → SIGTERM → SIGKILL when the body ends
/// ```
public final class ChildProcess: Sendable {
    /// Where the child's standard output and error go.
    public enum Output: Sendable, Hashable {
        /// Nowhere (`/dev/null`).
        case discarded
        /// Both appended to one file (created when missing).
        case file(URL)
        /// Both, merged, as lines in ``lines``. Consume them: they are buffered until read.
        case lines
    }

    /// The child's pid (also its process group id when it has a group or session of its own).
    public let pid: Int32
    /// The child's output lines (with ``Output/lines``; finishes when the output closes).
    public let lines: AsyncStream<String>
    /// What was run.
    public let spec: ProcessSpec
    /// How ``stop()`` and a cancelled owner stop the child.
    public let stopSequence: StopSequence
    private let exit: OneShot<ExitStatus>
    private let owner: Task<Void, Never>

    private init(
        pid: Int32, lines: AsyncStream<String>, spec: ProcessSpec, stopSequence: StopSequence, exit: OneShot<ExitStatus>,
        owner: Task<Void, Never>
    ) {
        self.pid = pid
        self.lines = lines
        self.spec = spec
        self.stopSequence = stopSequence
        self.exit = exit
        self.owner = owner
    }

    deinit {
        // A child nobody stopped is torn down with its stop sequence (swift-subprocess does it
        // when the task that runs it is cancelled).
        owner.cancel()
    }

    /// Starts `spec` and returns once it runs.
    ///
    /// - Throws: ``ProcessError`` `cannotStart` when the program cannot be found or started.
    public static func start(_ spec: ProcessSpec, output: Output = .discarded, stop: StopSequence = .graceful()) async throws -> ChildProcess {
        let configuration = try spec.configuration(stop: stop)
        let started = OneShot<Result<Int32, ProcessError>>()
        let exit = OneShot<ExitStatus>()
        let (lines, sink) = AsyncStream<String>.makeStream()
        // An unstructured task, required by this API's shape: `start` returns a handle to a child
        // that keeps running, while swift-subprocess runs a child only inside the scope of its
        // `run` call. The handle owns the task: it ends when the child exits, which ``stop()``
        // brings about and waits for; a handle dropped unstopped cancels it (deinit), which
        // stops the child with its stop sequence. Scoped callers use ``with(_:output:stop:_:)``.
        let owner = Task {
            do {
                let status = try await launch(configuration, output: output, started: { started.fulfill(.success($0)) }, sink: sink)
                exit.fulfill(ExitStatus(status))
            } catch {
                started.fulfill(.failure(spec.cannotStart(error)))
                exit.fulfill(.exited(-1))
            }
            sink.finish()
        }
        guard let outcome = await started.wait() else {
            owner.cancel()
            _ = await owner.value
            throw CancellationError()
        }
        let pid = try outcome.get()
        return ChildProcess(pid: pid, lines: lines, spec: spec, stopSequence: stop, exit: exit, owner: owner)
    }

    /// Starts `spec`, runs `body` with it, and stops it (``stop()``) when `body` returns or throws.
    public static func with<Result: Sendable>(
        _ spec: ProcessSpec, output: Output = .discarded, stop: StopSequence = .graceful(),
        _ body: (ChildProcess) async throws -> Result
    ) async throws -> Result {
        let child = try await start(spec, output: output, stop: stop)
        do {
            let result = try await body(child)
            await child.stop()
            return result
        } catch {
            await child.stop()
            throw error
        }
    }

    /// The exit status once the child has exited (and been reaped), nil while it runs.
    public var exitStatus: ExitStatus? { exit.current }

    /// Waits until the child exits; nil only when the waiting task is cancelled.
    @discardableResult
    public func waitForExit() async -> ExitStatus? { await exit.wait() }

    /// Waits at most `timeout` for the child to exit; nil when it still runs.
    @discardableResult
    public func waitForExit(timeout: Duration) async -> ExitStatus? { await exit.wait(timeout: timeout) }

    /// Sends `signal` to the child — to its whole process group when it leads one. Does nothing
    /// once it has exited.
    public func signal(_ signal: Int32) {
        guard exitStatus == nil else { return }
        kill(spec.isolation == .none ? pid : -pid, signal)
    }

    /// Runs the stop sequence (by default SIGINT, SIGTERM after 5 s, SIGKILL after 5 s more)
    /// until the child exits; returns how it ended. It runs its course even when the calling task
    /// is being cancelled: a cancelled owner still gives its child the grace periods.
    @discardableResult
    public func stop(_ sequence: StopSequence? = nil) async -> ExitStatus {
        let steps = (sequence ?? stopSequence).steps
        // A task of its own, awaited at once (it never outlives the call), because the caller's
        // cancellation must not reach the stop sequence's waits: Swift has no child task that
        // its parent's cancellation skips.
        return await Task { await self.escalate(steps) }.value
    }

    private func escalate(_ steps: [StopSequence.Step]) async -> ExitStatus {
        for step in steps {
            if let status = exitStatus { return status }
            signal(step.signal)
            if let status = await waitForExit(timeout: step.wait) { return status }
        }
        signal(SIGKILL)
        _ = await owner.value
        return exitStatus ?? .killed(signal: SIGKILL)
    }

    /// Runs the child to its end; `started` gets the pid as soon as it runs.
    private static func launch(
        _ configuration: Configuration, output: Output, started: @escaping @Sendable (Int32) -> Void,
        sink: AsyncStream<String>.Continuation
    ) async throws -> TerminationStatus {
        switch output {
        case .lines:
            return try await Subprocess.run(configuration, input: .none, output: .sequence, error: .combinedWithOutput) { execution in
                started(execution.processIdentifier.value)
                var splitter = LineSplitter()
                do {
                    for try await chunk in execution.standardOutput {
                        chunk.withUnsafeBytes { splitter.append($0, to: sink) }
                    }
                } catch {
                    // The pipe failed (not: the child exited); what was read is delivered.
                }
                splitter.finish(to: sink)
            }.terminationStatus
        case .discarded, .file:
            let target: FileDescriptor
            do {
                if case .file(let url) = output {
                    target = try FileDescriptor.open(
                        FilePath(url.path), .writeOnly, options: [.create, .append, .closeOnExec], permissions: [.ownerReadWrite, .groupRead, .otherRead])
                } else {
                    target = try FileDescriptor.open("/dev/null", .writeOnly, options: [.closeOnExec])
                }
            } catch {
                throw ProcessError(.io, "cannot open the output file", cause: error)
            }
            return try await Subprocess.run(
                configuration, input: .none, output: .fileDescriptor(target, closeAfterSpawningProcess: true), error: .combinedWithOutput
            ) { execution in
                started(execution.processIdentifier.value)
            }.terminationStatus
        }
    }
}

/// Splits bytes into lines (without the newline), carrying a partial line between chunks.
struct LineSplitter {
    private var pending: [UInt8] = []

    mutating func append(_ bytes: UnsafeRawBufferPointer, to sink: AsyncStream<String>.Continuation) {
        pending.append(contentsOf: bytes)
        var start = 0
        while let newline = pending[start...].firstIndex(of: 0x0a) {
            sink.yield(String(decoding: pending[start..<newline], as: UTF8.self))
            start = newline + 1
        }
        pending.removeFirst(start)
    }

    mutating func finish(to sink: AsyncStream<String>.Continuation) {
        if !pending.isEmpty { sink.yield(String(decoding: pending, as: UTF8.self)) }
        pending = []
    }
}
