import Foundation

/// A process that holds a listening TCP socket on a port, as `ss -ltnp` shows it.
public struct PortHolder: Sendable, Hashable, CustomStringConvertible {
    /// The process's pid; nil when no process we can look into holds the socket (another user's
    /// process, or one that closed it while we looked).
    public var pid: Int32?
    /// The process's arguments (`/proc/<pid>/cmdline` split at NUL); empty when unknown.
    public var arguments: [String]

    /// Creates a holder.
    public init(pid: Int32?, arguments: [String]) {
        self.pid = pid
        self.arguments = arguments
    }

    /// Most arguments ``description`` shows.
    static let shownArguments = 6
    /// Most characters ``description`` shows of one argument.
    static let shownArgumentLength = 60

    /// "pid 1234 (python3 -m http.server 5002)": the executable by its last path component, at
    /// most six arguments, each cut at 60 characters, arguments with blanks in single quotes; "an
    /// unknown process (no access to its /proc entry)" without a pid.
    public var description: String {
        guard let pid else { return "an unknown process (no access to its /proc entry)" }
        guard let executable = arguments.first else { return "pid \(pid)" }
        let name = executable.split(separator: "/").last.map(String.init) ?? executable
        var shown = ([name] + arguments.dropFirst().prefix(Self.shownArguments - 1)).map(Self.shortened)
        if arguments.count > Self.shownArguments { shown.append("…") }
        return "pid \(pid) (\(shown.joined(separator: " ")))"
    }

    private static func shortened(_ argument: String) -> String {
        let cut = argument.count > shownArgumentLength ? String(argument.prefix(shownArgumentLength)) + "…" : argument
        return cut.isEmpty || cut.contains(where: \.isWhitespace) ? "'\(cut)'" : cut
    }
}

extension Ports {
    /// The processes that hold a listening TCP socket (IPv4 or IPv6, any local address) on
    /// `port`, by pid; empty when nothing listens there. A socket whose owner cannot be found
    /// (another user's process when we are not root) adds one holder without a pid.
    ///
    /// Reads `/proc/net/tcp` and `/proc/net/tcp6` (the sockets of our network namespace, so not
    /// those inside a container with a network of its own), then the descriptors in
    /// `/proc/<pid>/fd`. A socket that is bound but not listening is not reported.
    public static func holders(ofPort port: Int) -> [PortHolder] {
        guard (1...65535).contains(port) else { return [] }
        let inodes = listeningInodes(port: port)
        guard !inodes.isEmpty else { return [] }
        var holders: [PortHolder] = []
        var owned: Set<UInt64> = []
        for pid in ProcessTable.pids() {
            let held = socketInodes(of: pid).intersection(inodes)
            guard !held.isEmpty else { continue }
            owned.formUnion(held)
            holders.append(PortHolder(pid: pid, arguments: ProcessTable.arguments(of: pid) ?? []))
        }
        // A socket nobody seemed to hold: another user's, or one closed while we looked (then
        // it is no longer listed).
        if !inodes.subtracting(owned).isDisjoint(with: listeningInodes(port: port)) {
            holders.append(PortHolder(pid: nil, arguments: []))
        }
        return holders
    }

    /// The inodes of the sockets listening on `port` in `/proc/net/tcp` and `/proc/net/tcp6`.
    static func listeningInodes(port: Int) -> Set<UInt64> {
        ["/proc/net/tcp", "/proc/net/tcp6"].reduce(into: []) { inodes, table in
            guard let data = FileManager.default.contents(atPath: table) else { return }
            inodes.formUnion(listeningInodes(in: String(decoding: data, as: UTF8.self), port: port))
        }
    }

    /// The inodes of the sockets in state `0A` (LISTEN) whose local port is `port`, from the text
    /// of a `/proc/net/tcp` or `/proc/net/tcp6` table (`sl local_address rem_address st … inode`).
    static func listeningInodes(in table: String, port: Int) -> Set<UInt64> {
        var inodes: Set<UInt64> = []
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count > 9, fields[3] == "0A", let hex = fields[1].split(separator: ":").last,
                Int(hex, radix: 16) == port, let inode = UInt64(fields[9]), inode != 0
            else { continue }
            inodes.insert(inode)
        }
        return inodes
    }

    /// The inodes of the sockets among `pid`'s open descriptors (links `socket:[<inode>]`);
    /// empty when its `/proc/<pid>/fd` cannot be read.
    private static func socketInodes(of pid: Int32) -> Set<UInt64> {
        let directory = "/proc/\(pid)/fd"
        guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var inodes: Set<UInt64> = []
        for descriptor in descriptors {
            guard let target = ProcessTable.readLink("\(directory)/\(descriptor)"), target.hasPrefix("socket:["), target.hasSuffix("]"),
                let inode = UInt64(target.dropFirst("socket:[".count).dropLast())
            else { continue }
            inodes.insert(inode)
        }
        return inodes
    }
}
