import CBOR

/// The version check's decision, free of I/O: the caller runs the Txn "if `version` exists then
/// read it, else put ours"; this type says what the answer means.
struct VersionCheck: Sendable, Equatable {
    /// Whether the cluster's version matches ours (false also when it is undecodable).
    var matches: Bool
    /// The cluster's version when it differs and decodes.
    var theirs: UInt64?
    /// Trace entries and events to produce.
    var actions: [ComponentAction]

    /// Decides from the Txn's answer: `wroteOurs` when the key was absent and ours was put, else
    /// the `version` key and value the success branch read, decoded in our `dialect`. A value in
    /// the other dialect is traced as undecodable; the mismatch still names its version.
    static func decide(
        ours: UInt64, dialect: WireDialect = .master, wroteOurs: Bool, found: (key: String, value: [UInt8])?
    ) -> VersionCheck {
        let matching = VersionCheck(matches: true, actions: [.trace(.matchingProtocolVersion(version: ours))])
        guard !wroteOurs, let found else { return matching }
        let theirs: UInt64
        do {
            theirs = try dialect.decodeVersion(found.value)
        } catch {
            // Not our dialect: traced as Hydra would, but a value the other dialect reads still
            // says which version the cluster speaks.
            let other = WireDialect.detect(versionValue: found.value)?.version
            return VersionCheck(matches: false, theirs: other, actions: [
                .trace(.failedToDecodeValue(key: found.key, value: Hex.encode(found.value), reason: "\(error)")),
                .emit(.versionMismatch(ours: ours, theirs: other)),
            ])
        }
        guard theirs == ours else {
            return VersionCheck(matches: false, theirs: theirs, actions: [.emit(.versionMismatch(ours: ours, theirs: theirs))])
        }
        return matching
    }
}
