import EtcdClient

extension EtcdNetwork {
    /// Writes our version into `version` unless a version is there, then compares. Retries
    /// every second until a majority answers (Hydra tries once).
    func checkVersion(_ client: EtcdClient) async throws {
        let ours = configuration.protocolVersion
        let check = try await retrying("checkVersion", onRetry: { reason in
            tracer(.reconnecting)
            logger.debug("checkVersion retrying: \(reason)")
        }) {
            let result = try await client.txn(
                compare: [EtcdCompare(key: "version", .version(0), .greater)],
                success: [.get("version")],
                failure: [.put(key: Array("version".utf8), value: configuration.dialect.versionValue(ours))])
            let found = result.responses.first?.rangeResult?.kvs.first.map { (key: $0.keyString, value: $0.value) }
            return VersionCheck.decide(ours: ours, dialect: configuration.dialect, wroteOurs: !result.succeeded, found: found)
        }
        state.withLock {
            $0.versionMatches = check.matches
            $0.theirVersion = check.theirs
        }
        await perform(check.actions)
    }

    /// Connectivity: the member list answers, a lease with our `alive-` key is kept alive every
    /// second, and each round the `alive` keys are diffed into peer events.
    func pollConnectivity(_ client: EtcdClient) async throws {
        var machine = ConnectivityMachine(ourselves: configuration.advertise, dialect: configuration.dialect)
        while true {
            try await retrying("pollConnectivity", onRetry: { reason in
                logger.debug("connectivity lost: \(reason)")
                await perform(machine.lost())
                state.withLock {
                    $0.connected = false
                    $0.peers = []
                }
            }) {
                try await holdLease(client, &machine)
            }
        }
    }

    /// Grants a lease, writes our `alive-` key with it and keeps it alive, scanning peers each
    /// second; returns when the lease must be renewed.
    private func holdLease(_ client: EtcdClient, _ machine: inout ConnectivityMachine) async throws {
        _ = try await client.memberList()
        let lease = try await client.grantLease(ttl: configuration.leaseTTLSeconds)
        try await client.put(key: Array("alive-\(configuration.advertise)".utf8), value: configuration.dialect.aliveValue(configuration.advertise), lease: lease.id)
        state.withLock { $0.connected = true }
        await perform(machine.leaseCreated(id: lease.id))
        while true {
            let ttl: Int64?
            do {
                ttl = try await client.keepAliveOnce(lease: lease.id).ttl
            } catch let error as EtcdError where error.code == .unavailable && error.message.contains("without an answer") {
                ttl = nil
            }
            if case .renewLease(let actions) = machine.keptAlive(ttl: ttl) {
                await perform(actions)
                return
            }
            let alive = try await client.range(.between("alive", "alivf")).kvs.map { (key: $0.keyString, value: $0.value) }
            await perform(machine.scanned(alive))
            let peers = machine.peers
            state.withLock { $0.peers = peers }
            try await Task.sleep(for: .seconds(1))
        }
    }
}

extension EtcdNetwork {
    /// Asks the node's etcd member for its status every second, for ``NetworkStatus/etcd``
    /// (leader, leader changes, raft index, db size, write rate). A failed poll marks etcd
    /// unreachable; it never stops the component.
    func pollEtcdFigures(_ client: EtcdClient) async throws {
        var tracker = EtcdFiguresTracker()
        while true {
            do {
                let status = try await client.status(endpoint: 0)
                tracker.record(
                    .init(member: status.header.memberID, leader: status.leader, raftTerm: status.raftTerm, raftIndex: status.raftIndex,
                          revision: status.header.revision, dbSize: status.dbSize, dbSizeInUse: status.dbSizeInUse),
                    at: .now)
            } catch {
                try Task.checkCancellation()
                tracker.unreachable()
            }
            let figures = tracker.figures
            state.withLock { $0.etcd = figures }
            try await Task.sleep(for: .seconds(1))
        }
    }
}
