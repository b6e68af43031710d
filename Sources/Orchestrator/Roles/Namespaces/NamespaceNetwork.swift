/// One network namespace per node on a bridge of this machine, for drills that need network
/// faults per node (see ``NetworkFault``): the plan, I/O-free. ``NamespaceNetwork/create(prefix:nodes:)``
/// reads the routes, picks a free subnet and runs the commands; ``destroy()`` removes it all.
///
/// Layout, for prefix `hn`, run tag `hn3fa2` and subnet `10.77.12.0/24`:
///
/// ```
/// root namespace: bridge hn3fa2-br 10.77.12.1/24
///   hn3fa2-v0 ── (netns hn3fa2-n0) eth0 10.77.12.10/24, lo up, default via 10.77.12.1
///   hn3fa2-v1 ── (netns hn3fa2-n1) eth0 10.77.12.11/24, …
/// ```
///
/// Names carry a tag unique to the run, so a leftover of a crashed run never collides with the
/// next, and the next picks another subnet (the leftover bridge still routes its own). Every
/// interface name fits Linux's 15 characters.
public struct NamespaceNetwork: Sendable, Hashable {
    /// One node's place in the network.
    public struct Member: Sendable, Hashable {
        /// The node's name in the spec.
        public var node: String
        /// Its network namespace (`ip netns` name).
        public var namespace: String
        /// The veth end on the bridge, in the root namespace.
        public var hostInterface: String
        /// The veth end inside the namespace.
        public var interface: String
        /// Its IPv4 address on the bridge's subnet.
        public var address: String
    }

    /// Most nodes in one network: addresses `.10` to `.249` of the /24.
    public static let maximumNodes = 240
    /// The /16 subnets are picked from: `10.77.<n>.0/24`.
    public static let subnetBase = "10.77"

    /// The run's unique prefix of every name (`<prefix><4 hex digits>`).
    public let tag: String
    /// The third octet of the network's /24 in ``subnetBase``.
    public let subnet: Int
    /// The nodes, in the order given.
    public let members: [Member]

    /// The plan for `nodes` on subnet `10.77.<subnet>.0/24`, names starting `tag`.
    ///
    /// - Throws: ``OrchestratorError`` `unsupported` when the tag makes a name longer than 15
    ///   characters or holds characters other than letters, digits, `-` and `_`, or there are
    ///   more than ``maximumNodes`` nodes.
    public init(tag: String, subnet: Int, nodes: [String]) throws {
        guard !tag.isEmpty, tag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw OrchestratorError(.unsupported, "namespace tag '\(tag)' must be letters, digits, '-' and '_'; pick another prefix")
        }
        guard nodes.count <= Self.maximumNodes else {
            throw OrchestratorError(.unsupported, "\(nodes.count) nodes do not fit one namespace network (at most \(Self.maximumNodes))")
        }
        guard (0...255).contains(subnet) else {
            throw OrchestratorError(.unsupported, "subnet \(subnet) is not an octet; pick 0 to 255")
        }
        let longest = "\(tag)-v\(max(nodes.count - 1, 0))"
        guard longest.count <= 15, "\(tag)-br".count <= 15 else {
            throw OrchestratorError(.unsupported, "interface name '\(longest)' is longer than Linux's 15 characters; use a prefix of at most 6 characters")
        }
        self.tag = tag
        self.subnet = subnet
        self.members = nodes.enumerated().map { index, node in
            Member(
                node: node, namespace: "\(tag)-n\(index)", hostInterface: "\(tag)-v\(index)", interface: "eth0",
                address: "\(Self.subnetBase).\(subnet).\(10 + index)")
        }
    }

    /// The bridge in the root namespace.
    public var bridge: String { "\(tag)-br" }
    /// The bridge's address: the namespaces' default route, and where they reach the root namespace.
    public var bridgeAddress: String { "\(Self.subnetBase).\(subnet).1" }
    /// The network, `10.77.<subnet>.0/24`.
    public var cidr: String { "\(Self.subnetBase).\(subnet).0/24" }

    /// The member for `node`, nil when it is not in the network.
    public func member(_ node: String) -> Member? {
        members.first { $0.node == node }
    }

    /// The `ip` commands (arguments after `ip`) that build the network, in order: the bridge
    /// with its address, then per node its namespace, the veth pair, addresses, links up and
    /// the default route.
    public var setupCommands: [[String]] {
        var commands: [[String]] = [
            ["link", "add", bridge, "type", "bridge"],
            ["addr", "add", "\(bridgeAddress)/24", "dev", bridge],
            ["link", "set", bridge, "up"],
        ]
        for member in members {
            let inside = ["netns", "exec", member.namespace, "ip"]
            commands += [
                ["netns", "add", member.namespace],
                ["link", "add", member.hostInterface, "type", "veth", "peer", "name", member.interface, "netns", member.namespace],
                ["link", "set", member.hostInterface, "master", bridge],
                ["link", "set", member.hostInterface, "up"],
                inside + ["link", "set", "lo", "up"],
                inside + ["addr", "add", "\(member.address)/24", "dev", member.interface],
                inside + ["link", "set", member.interface, "up"],
                inside + ["route", "add", "default", "via", bridgeAddress],
            ]
        }
        return commands
    }

    /// The `ip` commands that remove the network: each namespace (which takes its veth pair
    /// with it), each host-side veth (in case its namespace was never made), then the bridge.
    /// Each may fail because what it removes is not there (a partial setup, a second
    /// teardown); run them all and ignore those failures.
    public var teardownCommands: [[String]] {
        members.map { ["netns", "delete", $0.namespace] } + members.map { ["link", "delete", $0.hostInterface] } + [["link", "delete", bridge]]
    }

    /// The third octets of `10.77.<n>.0/24` that overlap a route of `ip -4 route show` output
    /// (a bridge of another run, a VPN, a wider route covering 10.77.0.0/16 or all of 10/8).
    public static func takenSubnets(routes: String) -> Set<Int> {
        var taken = Set<Int>()
        for line in routes.split(separator: "\n") {
            guard let destination = line.split(separator: " ").first, destination != "default" else { continue }
            let parts = destination.split(separator: "/")
            let octets = parts[0].split(separator: ".").compactMap { Int($0) }
            guard octets.count == 4 else { continue }
            let length = parts.count > 1 ? Int(parts[1]) ?? 32 : 32
            // Does destination/length overlap 10.77.n.0/24?
            let route = octets.reduce(UInt32(0)) { $0 << 8 | UInt32(truncatingIfNeeded: $1) }
            for n in 0...255 {
                let candidate = UInt32(10) << 24 | UInt32(77) << 16 | UInt32(n) << 8
                let shortest = min(length, 24)
                let mask: UInt32 = shortest == 0 ? 0 : ~UInt32(0) << UInt32(32 - shortest)
                if route & mask == candidate & mask { taken.insert(n) }
            }
        }
        return taken
    }

    /// A free subnet's third octet, or nil when all 256 are taken. Starts at `start` (spread
    /// over runs so that parallel runs rarely race for the same one) and wraps around.
    public static func freeSubnet(taken: Set<Int>, start: Int) -> Int? {
        (0..<256).map { (start + $0) % 256 }.first { !taken.contains($0) }
    }
}
