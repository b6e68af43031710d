import ClusterSpec
import Foundation
import X509

/// The file work of `headnet certs rotate`, in the order the rollout needs it. New leaf
/// certificates are issued from the kept CA into `pki/rotation/`, next to the ones in use, with
/// the revocation list that will revoke the old ones; each is moved into place just before the
/// node that uses it restarts; the list is installed last, once every node runs on its new
/// certificates.
///
/// Until then nothing is revoked and old and new certificates, signed by the same CA, are both
/// accepted: a node that has not restarted yet still talks to one that has. etcd reads its
/// revocation list on every connection it accepts, so installing the list needs no restart.
/// An interrupted rotation can be run again: the list it then installs also revokes what the
/// interrupted one meant to revoke.
public struct CertificateRotation: Sendable {
    /// The cluster.
    public let spec: ClusterSpec
    /// Its certificates in use.
    public let pki: ClusterPKI

    /// The rotation of `spec`'s certificates in `pki`.
    public init(spec: ClusterSpec, pki: ClusterPKI) {
        self.spec = spec
        self.pki = pki
    }

    /// Where new certificates wait until they are installed, with the pending revocation list.
    public var staging: ClusterPKI { ClusterPKI(directory: pki.directory.appendingPathComponent("rotation")) }

    /// Checks that the certificates can be rotated: they are all there and the CA key is kept.
    ///
    /// - Throws: ``DeployError`` saying what to do otherwise.
    @discardableResult
    public func authority() throws -> CertificateAuthority {
        let directory = pki.directory.path
        guard pki.isComplete(for: spec) else {
            throw DeployError(.pki, "the certificates in \(directory) are incomplete; `headnet up` makes them when none are there")
        }
        do {
            return try pki.authority()
        } catch let error as DeployError where !pki.hasCAKey {
            throw DeployError(
                .pki,
                error.message + ". To start over with a new CA whose key is kept: stop the cluster (`headnet down`), move \(directory) "
                    + "aside, and run `headnet up`: it makes new certificates; etcd's data and the nodes' state stay")
        }
    }

    /// Issues new certificates for every node and the client (new keys and serial numbers) into
    /// ``staging``, with the revocation list to install at the end: what the current list
    /// revokes, what an interrupted rotation meant to revoke, and every leaf in use now. Writes
    /// an empty list in place first when there is none, so that restarted members name it.
    /// Returns how many certificates were issued and how many the pending list revokes.
    @discardableResult
    public func stage(now: Date = Date()) throws -> (issued: Int, revoking: Int) {
        let ca = try authority()
        do {
            let current = try pki.revocationList()
            if current == nil {
                try ClusterPKI.write(try ca.revocationList(number: 1, entries: [], now: now).pemString, to: pki.crlFile, mode: 0o644)
            }
            let interrupted = try staging.revocationList()
            var entries: [RevocationList.Entry] = []
            var seen = Set<Certificate.SerialNumber>()
            func revoke(_ entry: RevocationList.Entry) {
                if seen.insert(entry.serialNumber).inserted { entries.append(entry) }
            }
            (current?.entries ?? []).forEach(revoke)
            (interrupted?.entries ?? []).forEach(revoke)
            for leaf in pki.leaves(for: spec) {
                revoke(.init(serialNumber: try ClusterPKI.certificate(in: leaf.certFile).serialNumber, revocationDate: now))
            }
            if FileManager.default.fileExists(atPath: staging.directory.path) {
                try FileManager.default.removeItem(at: staging.directory)
            }
            let issued = try staging.issueLeaves(for: spec, by: ca)
            let number = max(current?.number ?? 1, interrupted?.number ?? 0) + 1
            try ClusterPKI.write(try ca.revocationList(number: number, entries: entries, now: now).pemString, to: staging.crlFile, mode: 0o644)
            return (issued.count, entries.count)
        } catch let error as DeployError {
            throw error
        } catch {
            throw DeployError(.pki, "cannot issue new certificates into \(staging.directory.path)", cause: error)
        }
    }

    /// Moves the new certificates of `node` (`nil`: the client's) into place; returns their
    /// file names. Each file is renamed over the old one.
    @discardableResult
    public func install(_ node: String?) throws -> [String] {
        let current = pki.leaves(for: spec).filter { $0.node == node }
        let staged = staging.leaves(for: spec).filter { $0.node == node }
        guard !current.isEmpty else { throw DeployError(.pki, "no node named '\(node ?? "")' in cluster '\(spec.name)'") }
        var names: [String] = []
        for (new, old) in zip(staged, current) {
            for (from, to) in [(new.keyFile, old.keyFile), (new.certFile, old.certFile)] {
                guard FileManager.default.fileExists(atPath: from) else {
                    throw DeployError(.pki, "\(from) is missing: no rotation is under way; run `headnet certs rotate` again")
                }
                try ClusterPKI.move(from, to: to)
                names.append(URL(fileURLWithPath: to).lastPathComponent)
            }
        }
        return names
    }

    /// Installs the pending revocation list (refused from now: every leaf replaced by this
    /// rotation) and removes ``staging``; returns the list.
    @discardableResult
    public func revoke() throws -> RevocationList {
        guard let pending = try staging.revocationList() else {
            throw DeployError(.pki, "\(staging.crlFile) is missing: no rotation is under way; run `headnet certs rotate` again")
        }
        let left = staging.leaves(for: spec).filter { FileManager.default.fileExists(atPath: $0.certFile) }
        guard left.isEmpty else {
            let names = left.map { URL(fileURLWithPath: $0.certFile).lastPathComponent }
            throw DeployError(.pki, "not revoking: new certificates are not installed yet (\(names.joined(separator: ", "))); their nodes still use the old ones")
        }
        try ClusterPKI.move(staging.crlFile, to: pki.crlFile)
        do {
            try FileManager.default.removeItem(at: staging.directory)
        } catch {
            throw DeployError(.io, "cannot remove \(staging.directory.path)", cause: error)
        }
        return pending
    }
}
