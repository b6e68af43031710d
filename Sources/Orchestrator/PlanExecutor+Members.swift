import ClusterSpec

extension PlanExecutor {
    /// Runs a member step on the runner.
    func perform(_ member: MemberStep, as step: Step) async -> StepReport {
        guard let target = runner.spec.nodes.first(where: { $0.name == member.node }) else {
            return StepReport(step: step, outcome: .failed, message: "no node named '\(member.node)' in cluster '\(runner.spec.name)'")
        }
        let name = target.name
        do {
            switch member {
            case .add(_, let learner):
                let id = try await runner.membership.addMember(target, learner: learner)
                // Its etcd joins the running cluster, even when the node is a founder added back.
                try await runner.host(of: target).markJoiningExisting(target)
                return StepReport(
                    step: step, outcome: .ok,
                    message: "added \(name) (\(target.advertise)) to etcd's members as a \(learner ? "learner" : "voting member") (ID \(String(id, radix: 16)))"
                        + "; its etcd joins the running cluster")
            case .issueCertificates:
                let directory = try await runner.control.issueNodeCertificates(target, in: runner.spec)
                return StepReport(step: step, outcome: .ok, message: "issued \(name)'s server and peer certificates from the cluster's CA into \(directory)")
            case .writeSpec(_, let change, let text, let inPlace):
                let path = try await runner.control.writeSpec(text)
                let what = switch change {
                case .added: "wrote \(name) into \(path)"
                case .removed: "took \(name) out of \(path)"
                case .restored: "put \(path) back as it was before"
                }
                let how = change == .restored ? "" : inPlace ? " (comments kept)" : " (rewritten whole: the file's layout could not be edited in place, its comments are gone)"
                return StepReport(step: step, outcome: .ok, message: what + how)
            case .waitCaughtUp(_, let timeout):
                return await waitCaughtUp(step, target, timeout: .seconds(timeout))
            case .promote(_, let timeout):
                return await promote(step, target, timeout: .seconds(timeout))
            case .remove:
                guard let id = try await runner.membership.removeMember(target) else {
                    return StepReport(step: step, outcome: .skipped, message: "\(name) is not an etcd member")
                }
                return StepReport(step: step, outcome: .ok, message: "removed \(name) (ID \(String(id, radix: 16))) from etcd's members")
            case .drainQueue(_, let timeout):
                var queued = 0
                _ = await poll(within: .seconds(timeout), every: readinessInterval) { () -> Bool? in
                    queued = await runner.queuedBroadcasts(of: target)
                    return queued == 0 ? true : nil
                }
                guard queued == 0 else {
                    return StepReport(
                        step: step, outcome: .failed,
                        message: "\(name) still has \(queued) accepted broadcast\(queued == 1 ? "" : "s") queued"
                            + (timeout > 0 ? " after \(timeout) s" : " on disk"),
                        details: [
                            "removing it now would lose them: start it (`headnet up`) so they go out, then remove it again "
                                + "(or, to drop them, delete its pending-broadcast directory)"
                        ])
                }
                return StepReport(step: step, outcome: .ok, message: "\(name)'s broadcast queue is empty: everything it accepted is in etcd")
            case .removeEtcdData:
                guard let path = try await runner.host(of: target).removeEtcdData(target) else {
                    return StepReport(step: step, outcome: .skipped, message: "\(name) has no etcd data")
                }
                return StepReport(step: step, outcome: .ok, message: "removed \(name)'s etcd data (\(path)): a removed member cannot rejoin with it")
            }
        } catch {
            return StepReport(step: step, outcome: .failed, message: "\(name): \(member.kind) failed: \(error)")
        }
    }

    /// Polls the learner's applied index until it reaches the leader's index at the first poll.
    private func waitCaughtUp(_ step: Step, _ node: NodeSpec, timeout: Duration) async -> StepReport {
        var goal: UInt64?
        var applied: UInt64?
        let answer = await poll(within: timeout, every: readinessInterval) { () -> StepReport? in
            if let failure = await notRunning(step, node) { return failure }
            guard let progress = try? await runner.raftProgress(of: node) else { return nil }
            let target = goal ?? progress.leader
            goal = target
            applied = progress.applied
            guard progress.applied >= target else { return nil }
            return StepReport(
                step: step, outcome: .ok, message: "\(node.name)'s etcd caught up: applied raft index \(progress.applied), the leader's was \(target)")
        }
        if let answer { return answer }
        let where_ = goal.map { " (applied \(applied ?? 0) of \($0))" } ?? " (its etcd did not answer)"
        return StepReport(
            step: step, outcome: .failed, message: "\(node.name)'s etcd did not catch up within \(timeout.components.seconds) s" + where_,
            details: await runner.failureDetails(node))
    }

    /// Asks etcd to promote the learner until it agrees or `timeout` passes.
    private func promote(_ step: Step, _ node: NodeSpec, timeout: Duration) async -> StepReport {
        var attempts = 0
        let answer = await poll(within: timeout, every: readinessInterval) { () -> StepReport? in
            attempts += 1
            do {
                guard try await runner.membership.promoteMember(node) else { return nil }
                let tries = attempts == 1 ? "" : " (etcd found it in sync at attempt \(attempts))"
                return StepReport(step: step, outcome: .ok, message: "promoted \(node.name) to a voting member\(tries)")
            } catch {
                return StepReport(step: step, outcome: .failed, message: "etcd refused to promote \(node.name): \(error)")
            }
        }
        if let answer { return answer }
        return StepReport(
            step: step, outcome: .failed,
            message: "etcd did not find \(node.name) in sync with its leader within \(timeout.components.seconds) s (\(attempts) attempts)",
            details: await runner.failureDetails(node))
    }
}
