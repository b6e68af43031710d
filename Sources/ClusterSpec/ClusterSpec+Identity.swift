extension ClusterSpec {
    /// What tells this cluster apart from another that reuses its ports: 16 hex digits hashing
    /// the cluster name and the initial cluster (each founding member's name and advertised
    /// address, in order: ``founders``, every node when `initialCluster:` is absent). A node
    /// started from the spec reports it in `/status`; commands that talk to a node compare it
    /// with their own spec's. Adding or removing members keeps it.
    public var identity: String {
        var text = "headnet/v1\n\(name)\n"
        for founder in founders { text += "\(founder.name)=\(founder.advertise.description)\n" }
        return Self.fnv1a64(text)
    }

    /// FNV-1a, 64 bits, as 16 lowercase hex digits (an identity, not a security hash).
    static func fnv1a64(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
