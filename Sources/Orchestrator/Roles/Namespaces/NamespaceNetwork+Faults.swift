import Foundation
import Processes

/// Putting ``NetworkFault``s on a ``NamespaceNetwork``'s nodes: `tc` run inside the node's
/// namespace (`ip netns exec <ns> tc …`) on its interface.
extension NamespaceNetwork {
    /// Puts `fault` on `node`'s peer traffic, replacing the fault it had. `peerPorts` are the
    /// cluster's etcd peer ports, `ownPeerPort` the node's.
    ///
    /// - Throws: ``OrchestratorError`` `unsupported` when the kernel lacks what the fault needs
    ///   (``NetworkFault/needsNetem``: `sch_netem`), saying so; `unknownNode` when `node` is not
    ///   in the network; `network` when `tc` fails otherwise. A fault half applied is removed.
    public func apply(_ fault: NetworkFault, to node: String, peerPorts: [Int], ownPeerPort: Int) async throws {
        let member = try requireMember(node)
        await heal(node)
        do {
            for command in fault.commands(device: member.interface, peerPorts: peerPorts, ownPeerPort: ownPeerPort) {
                try await tc(command, in: member)
            }
        } catch let error as OrchestratorError {
            await heal(node)
            if error.message.contains("qdisc kind is unknown") || error.message.contains("classifier not found") {
                throw OrchestratorError(.unsupported, Self.missingKernelSupport(fault, said: error.message))
            }
            throw error
        }
    }

    /// Removes any fault from `node` (nothing to do when it has none).
    public func heal(_ node: String) async {
        guard let member = member(node) else { return }
        for command in NetworkFault.healCommands(device: member.interface) {
            _ = try? await tc(command, in: member)
        }
    }

    /// `tc qdisc show` of `node`'s interface: what is on it now.
    public func qdiscs(of node: String) async throws -> String {
        try await tc(["qdisc", "show", "dev", try requireMember(node).interface], in: try requireMember(node))
    }

    /// Why `fault` cannot be applied on this machine, nil when it can: namespaces unsupported
    /// (``unsupportedReason()``), or the kernel lacks a qdisc or classifier it uses (probed on
    /// `lo` of a namespace made for the purpose).
    public static func unsupportedReason(for fault: NetworkFault) async -> String? {
        if let reason = await unsupportedReason() { return reason }
        let probe = "hnfault" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        guard (try? await ip(["netns", "add", probe])) != nil else { return "cannot create a network namespace to probe `tc` in" }
        let member = Member(node: "probe", namespace: probe, hostInterface: "", interface: "lo", address: "127.0.0.1")
        var reason: String?
        for command in fault.commands(device: "lo", peerPorts: [2380], ownPeerPort: 2380) {
            do {
                try await NamespaceNetwork.tc(command, in: member)
            } catch let error as OrchestratorError {
                reason = missingKernelSupport(fault, said: error.message)
                break
            } catch {
                reason = "\(error)"
                break
            }
        }
        _ = try? await ip(["netns", "delete", probe])
        return reason
    }

    /// What to say when `tc` refused `fault`'s qdisc or filter.
    static func missingKernelSupport(_ fault: NetworkFault, said: String) -> String {
        let needs = fault.needsNetem ? "sch_netem, sch_htb and cls_u32" : "sch_htb, sch_blackhole and cls_u32"
        return "this kernel cannot \(fault) (\(said)); it needs \(needs): load them (`modprobe sch_netem`) or use a kernel built with them"
    }

    /// The member for `node`.
    ///
    /// - Throws: ``OrchestratorError`` `unknownNode` when it is not in the network.
    func requireMember(_ node: String) throws -> Member {
        guard let member = member(node) else {
            throw OrchestratorError(.unknownNode, "\(node) is not in namespace network \(tag) (its nodes: \(members.map(\.node).joined(separator: ", ")))")
        }
        return member
    }

    /// Runs `tc arguments` inside `member`'s namespace.
    @discardableResult
    func tc(_ arguments: [String], in member: Member) async throws -> String {
        try await Self.tc(arguments, in: member)
    }

    /// Runs `tc arguments` inside `member`'s namespace; returns its output.
    ///
    /// - Throws: ``OrchestratorError`` `network` naming the command and what `tc` said.
    @discardableResult
    static func tc(_ arguments: [String], in member: Member) async throws -> String {
        try await ip(["netns", "exec", member.namespace, "tc"] + arguments)
    }
}
