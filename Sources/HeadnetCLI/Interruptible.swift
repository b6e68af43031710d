import ArgumentParser
import Dispatch
import Foundation
import Orchestrator

/// Runs work that SIGINT or SIGTERM cancel (instead of killing the process), then clean-up
/// that they do not interrupt — removing the bench's devnet; exits 130 after a signal.
enum Interruptible {
    /// Runs `body`, cancelled by SIGINT/SIGTERM, then `afterwards` whatever happened. Throws
    /// `ExitCode(130)` after a signal, else `body`'s error, else `afterwards`' error.
    static func run<T: Sendable>(
        _ body: @escaping @Sendable () async throws -> T, afterwards: @Sendable () async throws -> Void = {}
    ) async throws -> T {
        let interrupted = Interruption()
        let (signals, signalled) = AsyncStream<Void>.makeStream()
        let handlers = SignalHandlers {
            interrupted.request()
            signalled.yield()
        }
        defer { handlers.remove() }
        // `body` in a child task, and a child that cancels it at the first signal (nil).
        let result = await withTaskGroup(of: Result<T, any Error>?.self) { group -> Result<T, any Error> in
            group.addTask {
                do { return .success(try await body()) } catch { return .failure(error) }
            }
            group.addTask {
                for await _ in signals { return nil }
                return nil
            }
            while let next = await group.next() {
                // Body done: the listener ends. A signal: the body is cancelled; wait for it.
                group.cancelAll()
                if let outcome = next { return outcome }
            }
            preconditionFailure("the body's task always reports its outcome")
        }
        let cleanup: (any Error)?
        do {
            try await afterwards()
            cleanup = nil
        } catch {
            cleanup = error
        }
        if interrupted.isRequested {
            FileHandle.standardError.write(Data("bench: interrupted\n".utf8))
            throw ExitCode(130)
        }
        let value = try result.get()
        if let cleanup { throw cleanup }
        return value
    }

    /// Runs `body` with an ``Orchestrator/Interruption`` that the first SIGINT or SIGTERM
    /// requests (`onSignal` runs then, to say so); a second one exits at once with 130. Returns
    /// `body`'s result.
    static func run<T: Sendable>(
        flagging interruption: Interruption, onSignal: @escaping @Sendable () -> Void, _ body: () async throws -> T
    ) async rethrows -> T {
        let handlers = SignalHandlers {
            guard !interruption.isRequested else { exit(130) }
            interruption.request()
            onSignal()
        }
        defer { handlers.remove() }
        return try await body()
    }
}

/// SIGINT and SIGTERM handled on a dispatch queue instead of ending the process, until removed.
private struct SignalHandlers {
    static let signals = [SIGINT, SIGTERM]
    let sources: [any DispatchSourceSignal]

    init(_ handler: @escaping @Sendable () -> Void) {
        sources = Self.signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    /// Back to the default dispositions.
    func remove() {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }
}
