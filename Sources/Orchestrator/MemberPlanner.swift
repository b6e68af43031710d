import ClusterSpec

/// Plans `headnet member add | remove | promote` from a ``MemberObservation``, refusing (with
/// ``OrchestratorError`` `refused`, nothing changed) what would break the cluster: a change
/// without quorum, one that would lose it, an add to an unhealthy cluster. Free of I/O.
public enum MemberPlanner {
    /// The plan to add `node` (already in `spec`, the file's new text) as a learner that is
    /// promoted once caught up, or as a voting member: check its ports, MemberAdd, write the
    /// spec, start the node (its etcd joins as `existing`), wait for the learner to catch up and
    /// promote it, wait until the node is ready.
    ///
    /// Refused when no member answers, the spec's nodes and etcd's members differ, a voting
    /// member is unhealthy (etcd adds members only while its leader reaches every voting one),
    /// a learner already waits (etcd 3.4 takes one at a time), the node runs or has etcd data
    /// left from an earlier member, or TLS is on and the CA key is not kept (no certificate can be
    /// issued for the new node).
    public static func add(
        _ node: NodeSpec, learner: Bool, observation: MemberObservation, tls: Bool, caKeyKept: Bool = false, spec: SpecEditor.Edit, timeoutSeconds: Int
    ) throws(OrchestratorError) -> Plan {
        let name = node.name
        guard !tls || caKeyKept else {
            throw refused(
                "adding a member to a TLS cluster needs certificates for \(name) signed by the cluster's CA, and its key (pki/ca-key.pem) is not kept "
                    + "(certificates made before headnet kept it); see README \"Certificates\" for moving to a PKI with a kept CA key")
        }
        try requireMembers(observation)
        if let member = observation.member(of: name) {
            throw refused("\(name) (\(node.advertise)) is already an etcd member (ID \(member.hexID)); `headnet member list` shows the members")
        }
        let strangers = observation.members.filter { $0.node == nil }
        guard strangers.isEmpty else {
            throw refused(
                "etcd has members the spec does not list: \(strangers.map { observation.displayName($0) }.joined(separator: ", ")); "
                    + "a new member's etcd must be given every member, so make the spec and etcd agree first (`headnet member list`)")
        }
        let others = observation.nodes.filter { $0.name != name }
        let outsiders = others.filter { observation.member(of: $0.name) == nil }.map(\.name)
        guard outsiders.isEmpty else {
            throw refused(
                "the spec lists nodes that are not etcd members: \(outsiders.joined(separator: ", ")); "
                    + "remove them first (`headnet member remove \(outsiders[0])`) so the spec and etcd agree")
        }
        let unhealthy = observation.voting.filter { !observation.isHealthy($0) }.map { observation.displayName($0) }
        guard unhealthy.isEmpty else {
            throw refused(
                "every voting member must be healthy to add one (etcd refuses while its leader does not reach them all): "
                    + "\(unhealthy.joined(separator: ", "))'s etcd does not answer or has no leader; `headnet up` starts stopped nodes")
        }
        if learner, let waiting = observation.members.first(where: \.isLearner) {
            throw refused(
                "\(observation.displayName(waiting)) is a learner already and etcd 3.4 takes one at a time; "
                    + "`headnet member promote \(observation.displayName(waiting))` or remove it first")
        }
        if let seen = observation.node(name) {
            if let pid = seen.process.livePIDs.first {
                throw refused("a process of \(name) already runs (pid \(pid)); stop it first")
            }
            if seen.hasEtcdData {
                throw refused(
                    "\(name)'s state directory holds etcd data of an earlier member; remove its etcd/ directory "
                        + "(`headnet member remove \(name)` cleans up after a removal) and add it again")
            }
        }
        return Plan([
            Plan.Stage([.checkPorts(node: name)]),
            Plan.Stage([.member(.add(node: name, learner: learner))]),
            Plan.Stage([.member(.writeSpec(node: name, change: .added, text: spec.text, inPlace: spec.inPlace))]),
            Plan.Stage(tls ? [.member(.issueCertificates(node: name))] : []),
            Plan.Stage([.start(node: name)]),
            Plan.Stage(learner ? [.member(.waitCaughtUp(node: name, timeoutSeconds: timeoutSeconds))] : []),
            Plan.Stage(learner ? [.member(.promote(node: name, timeoutSeconds: timeoutSeconds))] : []),
            Plan.Stage([.waitReady(node: name, timeoutSeconds: timeoutSeconds)]),
        ])
    }

    /// What undoes the steps of a failed add that went through (`completed`: their kinds, as in
    /// ``StepReport/step``): stop the node (`process`, observed after the failure), remove its
    /// member, put back the spec file's `originalSpec` text, delete the etcd data it made.
    public static func undoAdd(_ name: String, completed: Set<String>, process: ClusterObservation.Node?, originalSpec: String) -> Plan {
        let stops = process.map(stopSteps) ?? []
        let started = completed.contains(Step.start(node: name).kind)
        return Plan([
            Plan.Stage(stops, concurrent: true),
            // Always: a MemberAdd whose answer was lost (and retried) may have committed; removing
            // a node that is not a member is a skipped step.
            Plan.Stage([.member(.remove(node: name))]),
            Plan.Stage(
                completed.contains(MemberStep.writeSpec(node: name, change: .added, text: "", inPlace: true).kind)
                    ? [.member(.writeSpec(node: name, change: .restored, text: originalSpec, inPlace: true))] : []),
            Plan.Stage(started ? [.member(.removeEtcdData(node: name))] : []),
        ])
    }

    /// The plan to remove the node called `name` (`spec`: the file's new text without it):
    /// move the leadership away when it leads; stop the node and remove its member — the member
    /// first when stopping it first would cost the quorum (a cluster of two); write the spec;
    /// delete its etcd data.
    ///
    /// Refused without quorum (etcd could not commit the change), when the removal would lose
    /// it (the remaining voting members that are up would not be a majority of them), or for
    /// the only voting member. A node that is not an etcd member is only stopped and taken out of
    /// the spec.
    public static func remove(_ name: String, observation: MemberObservation, spec: SpecEditor.Edit) throws(OrchestratorError) -> Plan {
        guard let node = observation.node(name) else {
            throw OrchestratorError(.unknownNode, "no node named '\(name)' (nodes: \(observation.nodes.map(\.name).joined(separator: ", ")))")
        }
        try requireMembers(observation)
        let stops = stopSteps(node.process)
        // The spec last: until then a rerun of `member remove` still finds the node and finishes.
        let tail = [
            Plan.Stage([.member(.removeEtcdData(node: name))]),
            Plan.Stage([.member(.writeSpec(node: name, change: .removed, text: spec.text, inPlace: spec.inPlace))]),
        ]
        guard let member = observation.member(of: name) else {
            return Plan([Plan.Stage(stops, concurrent: true), Plan.Stage([.member(.remove(node: name))])] + tail)
        }
        let voting = observation.voting
        let up = voting.filter { observation.isUp($0) }
        let quorum = MemberObservation.quorum(of: voting.count)
        guard up.count >= quorum else {
            throw refused(
                "the cluster has no quorum: \(up.count) of \(voting.count) voting members up, \(quorum) needed"
                    + downList(voting, observation) + "; etcd cannot commit a member change. Start the stopped nodes (`headnet up`) first")
        }
        var stages: [Plan.Stage] = []
        var stopFirst = true
        if !member.isLearner {
            guard voting.count > 1 else { throw refused("\(name) is the only voting member; removing it would end the cluster") }
            let remaining = voting.filter { $0.id != member.id }
            let upRemaining = up.filter { $0.id != member.id }.count
            let needed = MemberObservation.quorum(of: remaining.count)
            guard upRemaining >= needed else {
                throw refused(
                    "removing \(name) would lose quorum: \(upRemaining) of the \(remaining.count) remaining voting members up, \(needed) needed"
                        + downList(remaining, observation) + "; start them (`headnet up`) first")
            }
            if member.id == observation.leaderID {
                // The first healthy voting member in spec order takes over.
                let candidates = observation.nodes.compactMap { observation.member(of: $0.name) }
                guard let successor = candidates.first(where: { !$0.isLearner && $0.id != member.id && observation.isHealthy($0) }),
                    let to = successor.node
                else {
                    throw refused("\(name) leads and no healthy voting member can take over")
                }
                stages.append(Plan.Stage([.moveLeader(from: name, to: to)]))
            }
            // Stopping a voting member that is up first must leave a quorum of the current members.
            stopFirst = !observation.isUp(member) || up.count - 1 >= quorum
        }
        let removal = Plan.Stage([.member(.remove(node: name))])
        // What the node accepted must reach etcd before it goes: drain its queue while it runs,
        // and check once it has stopped (a broadcast may have come in meanwhile).
        let drain = Plan.Stage(node.process.livePIDs.isEmpty ? [] : [.member(.drainQueue(node: name, timeoutSeconds: 30))])
        let stop = Plan.Stage(stops, concurrent: true)
        let drained = Plan.Stage([.member(.drainQueue(node: name, timeoutSeconds: 0))])
        stages += stopFirst ? [drain, stop, drained, removal] : [drain, removal, stop, drained]
        return Plan(stages + tail)
    }

    /// The plan to promote the learner of the node called `name`: wait until it caught up,
    /// promote (asking again while etcd finds it not in sync), wait until the node is ready.
    ///
    /// Refused when it is not a learner, its etcd does not answer, or the cluster has no quorum.
    public static func promote(_ name: String, observation: MemberObservation, timeoutSeconds: Int) throws(OrchestratorError) -> Plan {
        guard let node = observation.node(name) else {
            throw OrchestratorError(.unknownNode, "no node named '\(name)' (nodes: \(observation.nodes.map(\.name).joined(separator: ", ")))")
        }
        try requireMembers(observation)
        guard let member = observation.member(of: name) else {
            throw refused("\(name) is not an etcd member; `headnet member add \(name) --learner` adds it")
        }
        guard member.isLearner else { throw refused("\(name) is a voting member already") }
        let voting = observation.voting
        let up = voting.filter { observation.isUp($0) }.count
        guard up >= MemberObservation.quorum(of: voting.count) else {
            throw refused(
                "the cluster has no quorum: \(up) of \(voting.count) voting members up"
                    + downList(voting, observation) + "; etcd cannot commit a promotion. Start the stopped nodes (`headnet up`) first")
        }
        guard node.etcdUp else {
            throw refused("\(name)'s etcd does not answer; start it (`headnet up`) so it can catch up, then promote it")
        }
        return Plan([
            Plan.Stage([.member(.waitCaughtUp(node: name, timeoutSeconds: timeoutSeconds))]),
            Plan.Stage([.member(.promote(node: name, timeoutSeconds: timeoutSeconds))]),
            Plan.Stage(node.running ? [.waitReady(node: name, timeoutSeconds: timeoutSeconds)] : []),
        ])
    }

    /// Stops for a node's processes: its node processes, then a leftover etcd.
    static func stopSteps(_ process: ClusterObservation.Node) -> [Step] {
        let stops = ((process.process.runningPID.map { [$0] } ?? []) + process.unrecorded).map { Step.stop(node: process.name, pid: $0) }
            + (process.leftoverEtcd.map { [Step.stopEtcd(node: process.name, pid: $0)] } ?? [])
        return stops.isEmpty ? [.notRunning(node: process.name)] : stops
    }

    private static func requireMembers(_ observation: MemberObservation) throws(OrchestratorError) {
        guard !observation.members.isEmpty else {
            throw refused("no etcd member of the cluster answers; start the cluster (`headnet up`) first")
        }
    }

    /// ` (down: carol, dave)` for the members among `members` whose etcd does not answer.
    private static func downList(_ members: [MemberObservation.Member], _ observation: MemberObservation) -> String {
        let down = members.filter { !observation.isUp($0) }.map { observation.displayName($0) }
        return down.isEmpty ? "" : " (down: \(down.joined(separator: ", ")))"
    }

    private static func refused(_ message: String) -> OrchestratorError {
        OrchestratorError(.refused, message)
    }
}
