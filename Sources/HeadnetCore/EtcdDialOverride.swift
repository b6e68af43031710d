/// A seam for drills only: with `HEADNET_TEST_ETCD_DIAL_PORT=P` in its environment, `headnet
/// node` has its own etcd client dial `127.0.0.1:P` instead of its etcd client port (Hydra's
/// rule, ``HydraPorts/clientPort(listen:)``), while etcd itself still listens on the client port
/// and everything else (health, the orchestrator, other tools) reaches it there. `headnet drill`
/// sets it for the nodes of a drill with a `settings-burst` step, whose relay listens on P and
/// forwards to the client port. Never set outside drills and tests.
public enum EtcdDialOverride {
    /// The environment variable.
    public static let variable = "HEADNET_TEST_ETCD_DIAL_PORT"

    /// The port `environment` names, nil when it names none (or not a valid port).
    public static func port(in environment: [String: String]) -> Int? {
        environment[variable].flatMap { Int($0) }.flatMap { (1...65535).contains($0) ? $0 : nil }
    }
}
