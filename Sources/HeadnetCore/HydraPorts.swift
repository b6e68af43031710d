/// Hydra's port arithmetic, written once: a node's etcd client port and its API port follow
/// from its listen (etcd peer) port, as hydra-node derives them.
public enum HydraPorts {
    /// The etcd client port of a node listening on `listenPort`: 2379 for 5001, 2380 for 5002, ….
    public static func clientPort(listen listenPort: Int) -> Int { 2379 + listenPort - 5001 }

    /// The default API port of a node listening on `listenPort`: 4001 for 5001, 4002 for 5002, ….
    public static func apiPort(listen listenPort: Int) -> Int { 4001 + listenPort - 5001 }

    /// The listen port the others are counted from (Hydra's first node's).
    public static let listenBase = 5001
    /// The etcd client port of a node listening on ``listenBase``.
    public static let clientBase = clientPort(listen: listenBase)
    /// The API port of a node listening on ``listenBase``.
    public static let apiBase = apiPort(listen: listenBase)

    /// The lowest listen port accepted (DESIGN §4): below it Hydra's arithmetic gives a negative
    /// etcd client port. (At it, the client port is 0, which etcd takes as "any free port".)
    public static let lowestListenPort = listenBase - clientBase

    /// The client port rule in words, for help texts and messages.
    public static let clientRule = "etcd client port = \(clientBase) + listen port − \(listenBase)"
    /// The API port rule in words, for help texts and messages.
    public static let apiRule = "API port = \(apiBase) + listen port − \(listenBase)"
}
