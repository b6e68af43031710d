import Foundation
import Processes

/// Carrying out a ``NamespaceNetwork``: `ip` run through ``Processes/Command``, never a shell.
extension NamespaceNetwork {
    /// Why namespaces cannot be made here, nil when they can: not root, `ip` or `tc` missing,
    /// or the kernel refuses a network namespace (a container without the capability).
    public static func unsupportedReason() async -> String? {
        guard geteuid() == 0 else { return "namespace networks need root (`ip netns add`); run as root" }
        for tool in ["ip", "tc"] {
            guard let result = try? await Command.run(tool, ["-V"]), result.status.isSuccess else {
                return "`\(tool)` is missing; install iproute2 (`apt-get install iproute2`)"
            }
        }
        let probe = "hnprobe" + String(UInt32.random(in: 0...UInt32.max), radix: 16)  // unique: suites probe side by side
        do {
            let result = try await Command.run("ip", ["netns", "add", probe])
            guard result.status.isSuccess else {
                return "cannot create a network namespace (`ip netns add` \(result.status)): \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))"
            }
            _ = try await Command.run("ip", ["netns", "delete", probe])
        } catch {
            return "cannot run `ip netns add`: \(error)"
        }
        return nil
    }

    /// Builds a network for `nodes` named `<prefix><4 hex digits>-…` on a /24 of 10.77.0.0/16
    /// that no route of this machine overlaps. A setup that fails half way is torn down before
    /// the error is thrown.
    ///
    /// - Throws: ``OrchestratorError`` `unsupported` (with ``unsupportedReason()``'s words)
    ///   when namespaces cannot be made here or no subnet is free; `network` when a command fails.
    public static func create(prefix: String, nodes: [String]) async throws -> NamespaceNetwork {
        if let reason = await unsupportedReason() { throw OrchestratorError(.unsupported, reason) }
        let routes = try await ip(["-4", "route", "show"])
        let start = Int.random(in: 0..<256)
        guard let subnet = freeSubnet(taken: takenSubnets(routes: routes), start: start) else {
            throw OrchestratorError(.unsupported, "every /24 of \(subnetBase).0.0/16 is routed already; remove leftover bridges (`ip -br link`)")
        }
        let network = try NamespaceNetwork(tag: prefix + String(format: "%04x", UInt16.random(in: 0...UInt16.max)), subnet: subnet, nodes: nodes)
        do {
            for command in network.setupCommands { _ = try await ip(command) }
        } catch {
            await network.destroy()
            throw error
        }
        return network
    }

    /// Removes the network; runs every teardown command whatever the earlier ones did, so it
    /// works after a partial setup and when called twice.
    public func destroy() async {
        for command in teardownCommands { _ = try? await Command.run("ip", command) }
    }

    /// Namespaces of this network that exist now (`ip netns list`).
    public func existingNamespaces() async -> [String] {
        let listed = (try? await Command.run("ip", ["netns", "list"]))?.output ?? ""
        let names = Set(listed.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
        return members.map(\.namespace).filter(names.contains)
    }

    /// Interfaces of this network in the root namespace that exist now (`ip -o link`).
    public func existingInterfaces() async -> [String] {
        let listed = (try? await Command.run("ip", ["-o", "link", "show"]))?.output ?? ""
        let names = Set(
            listed.split(separator: "\n").compactMap { line -> String? in
                let fields = line.split(separator: " ")
                guard fields.count > 1 else { return nil }
                return String(fields[1].dropLast().split(separator: "@").first ?? "")
            })
        return ([bridge] + members.map(\.hostInterface)).filter(names.contains)
    }

    /// `program arguments` run inside `member`'s namespace: `ip netns exec <ns> program …`.
    /// `ip netns exec` execs the program, so the pid is the program's.
    public func inside(_ member: Member, _ program: String, _ arguments: [String], environment: [String: String?] = [:]) -> ProcessSpec {
        ProcessSpec("ip", ["netns", "exec", member.namespace, program] + arguments, environment: environment)
    }

    /// Runs `ip arguments`; returns its output.
    ///
    /// - Throws: ``OrchestratorError`` `network` naming the command and what it said when it fails.
    @discardableResult
    static func ip(_ arguments: [String]) async throws -> String {
        let result: Command.Result
        do {
            result = try await Command.run(ProcessSpec("ip", arguments, missingHint: "install iproute2 (`apt-get install iproute2`)"))
        } catch {
            throw OrchestratorError(.network, "cannot run `ip \(arguments.joined(separator: " "))`", cause: error)
        }
        guard result.status.isSuccess else {
            throw OrchestratorError(
                .network, "`ip \(arguments.joined(separator: " "))` \(result.status): \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return result.output
    }
}
