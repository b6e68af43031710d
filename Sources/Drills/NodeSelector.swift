import HeadnetCore

/// Which nodes a drill step acts on: a node by name, or a role resolved when the step runs
/// (the leader then, a follower picked with the drill's seeded generator, …).
public enum NodeSelector: Sendable, Hashable, CustomStringConvertible {
    /// The node of that name.
    case named(String)
    /// The node whose etcd member leads when the step runs.
    case leader
    /// One follower, picked at random (seeded).
    case follower
    /// Every follower.
    case followers
    /// As many nodes as make a quorum (`n/2+1`), picked at random (seeded).
    case quorum
    /// As many nodes as fall short of a quorum (`n - quorum`, at least one), picked at random.
    case minority
    /// One node, picked at random (seeded).
    case random
    /// Every node.
    case all
    /// The nodes the previous step that picked nodes acted on (`start` after `kill: leader`
    /// restarts the node that led then, not the one that leads now).
    case previous

    /// The selector a drill file names: a role keyword, else a node name.
    public init(_ text: String) {
        switch text {
        case "leader": self = .leader
        case "follower": self = .follower
        case "followers": self = .followers
        case "quorum", "majority": self = .quorum
        case "minority": self = .minority
        case "random": self = .random
        case "all": self = .all
        case "previous": self = .previous
        default: self = .named(text)
        }
    }

    /// The keywords a drill file may use instead of a node name.
    public static let keywords = ["leader", "follower", "followers", "quorum", "majority", "minority", "random", "all", "previous"]

    /// As a drill file writes it.
    public var description: String {
        switch self {
        case .named(let name): name
        case .leader: "leader"
        case .follower: "follower"
        case .followers: "followers"
        case .quorum: "quorum"
        case .minority: "minority"
        case .random: "random"
        case .all: "all"
        case .previous: "previous"
        }
    }

    /// Why a selector cannot be resolved now.
    public enum Unresolvable: Error, Sendable, Hashable, CustomStringConvertible {
        /// `leader`/`follower`/`followers` while no member leads.
        case noLeader
        /// `previous` before any step picked nodes.
        case nothingPrevious
        /// A name that is not a node of the cluster.
        case unknownNode(String)

        /// What went wrong.
        public var description: String {
            switch self {
            case .noLeader: "no etcd member leads now, so there is no leader or follower to pick"
            case .nothingPrevious: "`previous` names the nodes of an earlier step, and no earlier step picked any"
            case .unknownNode(let name): "'\(name)' is not a node of the drill's cluster"
            }
        }
    }

    /// The nodes this selector picks, in `nodes` order.
    ///
    /// - Parameters:
    ///   - nodes: the cluster's nodes, in spec order.
    ///   - leader: the node whose member leads now, if one does.
    ///   - previous: the nodes the previous picking step acted on.
    ///   - generator: the drill's seeded generator (advanced only by random picks).
    public func resolve(
        nodes: [String], leader: String?, previous: [String], using generator: inout some RandomNumberGenerator
    ) -> Result<[String], Unresolvable> {
        func pick(_ count: Int, from candidates: [String]) -> [String] {
            let chosen = Set(candidates.shuffled(using: &generator).prefix(count))
            return nodes.filter(chosen.contains)
        }
        switch self {
        case .named(let name):
            return nodes.contains(name) ? .success([name]) : .failure(.unknownNode(name))
        case .leader:
            guard let leader else { return .failure(.noLeader) }
            return .success([leader])
        case .follower, .followers:
            guard let leader else { return .failure(.noLeader) }
            let followers = nodes.filter { $0 != leader }
            return .success(self == .follower ? pick(1, from: followers) : followers)
        case .quorum:
            return .success(pick(Quorum.of(nodes.count), from: nodes))
        case .minority:
            return .success(pick(max(1, nodes.count - Quorum.of(nodes.count)), from: nodes))
        case .random:
            return .success(pick(1, from: nodes))
        case .all:
            return .success(nodes)
        case .previous:
            return previous.isEmpty ? .failure(.nothingPrevious) : .success(previous)
        }
    }
}
