#if canImport(Glibc)
import Glibc
#endif

/// One spelling per file: absolute, without `.`/`..`, symbolic links resolved (`realpath`). Two
/// paths name the same file when their canonical forms are equal, however the user typed them
/// (`clusters/x.yaml` from the project, `/home/me/proj/…` through a symlinked directory, …).
public enum CanonicalPath {
    /// The canonical form of `path`, relative paths taken from `directory` (default: ours).
    /// The part that does not exist yet is appended to the canonical form of the part that does.
    public static func of(_ path: String, relativeTo directory: String? = nil) -> String {
        let absolute = path.hasPrefix("/") ? path : (directory ?? currentDirectory()) + "/" + path
        if let real = realpath(absolute, nil) {  // `..` after a symbolic link as the kernel takes it
            defer { free(real) }
            return String(cString: real)
        }
        return resolve(standardized(absolute))
    }

    private static func resolve(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        guard path != "/", let slash = path.lastIndex(of: "/") else { return path }
        let parent = slash == path.startIndex ? "/" : String(path[..<slash])
        let resolved = resolve(parent)
        return (resolved == "/" ? "" : resolved) + "/" + path[path.index(after: slash)...]
    }

    private static func currentDirectory() -> String {
        guard let directory = getcwd(nil, 0) else { return "/" }
        defer { free(directory) }
        return String(cString: directory)
    }

    /// `path` without `.` components, empty components and `..` after a component (lexically:
    /// `a/b/../c` is `a/c`); `..` at the root is dropped, at the start of a relative path kept.
    static func standardized(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var components: [Substring] = []
        for component in path.split(separator: "/") where component != "." {
            if component != ".." {
                components.append(component)
            } else if let last = components.last, last != ".." {
                components.removeLast()
            } else if !absolute {
                components.append(component)
            }
        }
        let joined = components.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
