/// A process seen in `/proc` by ``ProcessTable``: its pid, arguments and working directory, with
/// helpers to read its options and resolve the relative paths it was given.
public struct RunningProcess: Sendable, Hashable {
    /// The pid.
    public var pid: Int32
    /// The arguments, the program first (`/proc/<pid>/cmdline` split at NUL).
    public var arguments: [String]
    /// The working directory (the target of `/proc/<pid>/cwd`), nil when it cannot be read
    /// (another user's process when we are not root).
    public var workingDirectory: String?

    /// Creates a description of a process.
    public init(pid: Int32, arguments: [String], workingDirectory: String? = nil) {
        self.pid = pid
        self.arguments = arguments
        self.workingDirectory = workingDirectory
    }

    /// The value given to `flag` (written with its dashes, e.g. `--spec`) as `--spec value` or
    /// `--spec=value`; the last one when it is given more than once, nil when it is not given.
    /// The program (the first argument) and everything after a `--` are not options; an argument
    /// starting with `--` is not taken as a value.
    public func value(of flag: String) -> String? {
        var value: String?
        var index = 1
        while index < arguments.count, arguments[index] != "--" {
            let argument = arguments[index]
            if argument == flag {
                if index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") {
                    value = arguments[index + 1]
                    index += 1
                }
            } else if argument.hasPrefix(flag + "=") {
                value = String(argument.dropFirst(flag.count + 1))
            }
            index += 1
        }
        return value
    }

    /// `path` as the process sees it, in its canonical form (``CanonicalPath``): a relative path
    /// is taken from the process's working directory, symbolic links are resolved. A relative
    /// path stays relative (only tidied) when the working directory is unknown.
    public func resolvedPath(_ path: String) -> String {
        guard path.hasPrefix("/") || workingDirectory != nil else { return CanonicalPath.standardized(path) }
        return CanonicalPath.of(path, relativeTo: workingDirectory)
    }
}
