import HeadnetCore

/// A cluster spec (`clusters/*.yaml`, schema `headnet/v1`) with defaults applied.
public struct ClusterSpec: Sendable, Hashable {
    /// The spec file the commands read when nothing names one, relative to where they run.
    public static let defaultPath = "clusters/devnet.yaml"

    /// The schema this module reads.
    public static let apiVersion = "headnet/v1"

    /// Cluster name; state lives in `.headnet/<name>/`.
    public var name: String
    /// Protocol version written to the `version` key.
    public var protocolVersion: UInt64 = 2
    /// Whether etcd traffic uses TLS.
    public var tls: TLSMode = .auto
    /// etcd settings.
    public var etcd = EtcdSettings()
    /// Network component settings.
    public var network = NetworkSettings()
    /// Machines the nodes run on; default one host `local` at 127.0.0.1.
    public var hosts: [HostSpec] = [HostSpec.local]
    /// The nodes, in order: the cluster's current members.
    public var nodes: [NodeSpec]
    /// `initialCluster:`, the members the cluster was founded with; nil (absent) means every
    /// node, as before any member was added or removed. `headnet member add` and `remove` write
    /// it (see ``FoundingMember``).
    public var initialCluster: [FoundingMember]?

    /// Creates a spec.
    public init(name: String, nodes: [NodeSpec]) {
        self.name = name
        self.nodes = nodes
    }

    /// Whether TLS is on once `auto` is resolved: on when any address is not loopback.
    public var tlsEnabled: Bool {
        switch tls {
        case .on: true
        case .off: false
        case .auto: nodes.contains { !$0.advertise.isLoopback } || hosts.contains { !Address.isLoopback($0.address) }
        }
    }

    /// The host headnet on this machine reaches `node`'s etcd client port and API at: loopback,
    /// or the node's advertised host when it runs in a network namespace (whose loopback is
    /// its own). The one owner of that choice: ``clientURL(of:)``, the orchestrator's etcd
    /// probe and API client, and the address the node's API binds to all use it.
    public func reachableHost(of node: NodeSpec) -> String {
        host(of: node)?.namespace != nil ? node.advertise.host : HostSpec.local.address
    }

    /// `node`'s etcd client URL at ``reachableHost(of:)`` (https when TLS is on), as headnet's own commands
    /// reach it.
    public func clientURL(of node: NodeSpec) -> String {
        "\(tlsEnabled ? "https" : "http")://\(Address(host: reachableHost(of: node), port: node.clientPort))"
    }

    /// The host a node runs on.
    public func host(of node: NodeSpec) -> HostSpec? {
        hosts.first { $0.name == node.host }
    }

    /// The nodes on a host other than this machine (see ``HostSpec/isThisMachine``), each with
    /// its host, in spec order: nodes `headnet up` cannot start (remote hosts are not supported
    /// yet).
    public var remoteNodes: [(node: NodeSpec, host: HostSpec)] {
        nodes.compactMap { node in host(of: node).flatMap { $0.isThisMachine ? nil : (node, $0) } }
    }

    /// The founding members: `initialCluster`, or every node when it is absent.
    public var founders: [FoundingMember] {
        initialCluster ?? nodes.map(FoundingMember.init)
    }

    /// Whether `node` is one of the founders (same name and advertised address). Any other node
    /// joined the running cluster later and starts its etcd as `existing`.
    public func isFounder(_ node: NodeSpec) -> Bool {
        founders.contains(FoundingMember(node))
    }
}

/// `tls:` in the spec.
public enum TLSMode: String, Sendable, Hashable, CaseIterable {
    /// On when any address is not loopback.
    case auto
    /// Always on.
    case on
    /// Always off.
    case off
}

/// `etcd:` in the spec.
public struct EtcdSettings: Sendable, Hashable {
    /// The etcd binary, a path or a name on PATH.
    public var binary = "etcd"
    /// Auto-compaction mode (`revision` or `periodic`).
    public var compactionMode = "revision"
    /// Auto-compaction retention (1000 revisions by default; etcd runs it every 5 minutes).
    public var compactionRetention = "1000"
    /// Raft heartbeat interval.
    public var heartbeatMs = 100
    /// Raft election timeout.
    public var electionMs = 1000
    /// Backend quota in bytes.
    public var quotaBackendBytes: Int64 = 2_147_483_648

    /// Creates the defaults.
    public init() {}
}

/// `network:` in the spec.
public struct NetworkSettings: Sendable, Hashable {
    /// Broadcast queue capacity.
    public var queueCapacity = 100
    /// TTL of the `alive-` lease.
    public var leaseTTLSeconds = 3
    /// Most messages per broadcast value.
    public var batchMaxMessages = 50
    /// Most message bytes per broadcast value.
    public var batchMaxBytes = 262_144

    /// Creates the defaults.
    public init() {}
}

/// One machine of `hosts:`.
public struct HostSpec: Sendable, Hashable {
    /// The default host for nodes that name none.
    public static let local = HostSpec(name: "local", address: "127.0.0.1")

    /// Host name in the spec.
    public var name: String
    /// Address headnet reaches it at.
    public var address: String
    /// How to reach it over ssh; nil for this machine.
    public var ssh: SSHSpec?
    /// A network namespace of this machine (`ip netns` name) its nodes run in, for drills that
    /// put network faults on one node; nil for a machine's own network. `address` is then the
    /// namespace's address, which its nodes advertise and headnet reaches them at.
    public var namespace: String?

    /// Whether it is this machine, where headnet starts nodes itself: the default host
    /// `local`, a host at a loopback address, or a network namespace of this machine. Any other
    /// host is remote.
    public var isThisMachine: Bool {
        name == HostSpec.local.name || Address.isLoopback(address) || namespace != nil
    }

    /// Creates a host.
    public init(name: String, address: String, ssh: SSHSpec? = nil, namespace: String? = nil) {
        self.name = name
        self.address = address
        self.ssh = ssh
        self.namespace = namespace
    }
}

/// `ssh:` of a host.
public struct SSHSpec: Sendable, Hashable {
    /// Login user.
    public var user = "root"
    /// ssh port.
    public var port = 22
    /// Private key file.
    public var identityFile: String?

    /// Creates ssh settings.
    public init(user: String = "root", port: Int = 22, identityFile: String? = nil) {
        self.user = user
        self.port = port
        self.identityFile = identityFile
    }
}

/// One node of `nodes:`.
public struct NodeSpec: Sendable, Hashable {
    /// Node name (unique).
    public var name: String
    /// etcd peer listen address.
    public var listen: Address
    /// Advertised address (defaults to `listen`).
    public var advertise: Address
    /// Host the node runs on.
    public var host: String = "local"
    /// HTTP API port; default ``HeadnetCore/HydraPorts/apiPort(listen:)``.
    public var apiPort: Int

    /// Creates a node with Hydra's derived defaults.
    public init(name: String, listen: Address, advertise: Address? = nil, host: String = "local", apiPort: Int? = nil) {
        self.name = name
        self.listen = listen
        self.advertise = advertise ?? listen
        self.host = host
        self.apiPort = apiPort ?? HydraPorts.apiPort(listen: listen.port)
    }

    /// etcd client port: ``HeadnetCore/HydraPorts/clientPort(listen:)``.
    public var clientPort: Int { HydraPorts.clientPort(listen: listen.port) }
}
