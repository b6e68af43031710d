import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

extension ProcessSpec {
    /// swift-subprocess's configuration for this spec: its own group or session, and `stop` as
    /// the teardown when the task running it is cancelled.
    func configuration(stop: StopSequence) throws -> Configuration {
        var options = PlatformOptions()
        switch isolation {
        case .none: break
        case .processGroup: options.processGroupID = 0
        case .session: options.createSession = true
        }
        options.teardownSequence = stop.steps.map {
            .send(signal: Signal(rawValue: $0.signal), toProcessGroup: isolation != .none, allowedDurationToNextStep: $0.wait)
        }
        var overrides: [Environment.Key: String?] = [:]
        for (name, value) in environment {
            guard let key = Environment.Key(rawValue: name) else {
                throw ProcessError(.cannotStart, "cannot start \(executable): '\(name)' is not an environment variable name")
            }
            overrides[key] = value
        }
        return Configuration(
            executable: executable.contains("/") ? .path(FilePath(executable)) : .name(executable),
            arguments: Arguments(arguments),
            environment: overrides.isEmpty ? .inherit : .inherit.updating(overrides),
            workingDirectory: workingDirectory.map { FilePath($0.path) },
            platformOptions: options)
    }
}
