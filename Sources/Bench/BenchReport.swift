import Foundation

/// Everything one `headnet bench` run measured; `--json` prints it as is (field names are
/// stable, see BENCH-NOTES/README), otherwise ``MarkdownReport`` renders it.
public struct BenchReport: Codable, Sendable, Hashable {
    /// Where the run ran.
    public struct Machine: Codable, Sendable, Hashable {
        /// Processor cores this process may use.
        public var cores: Int
        /// etcd's server version, from Maintenance Status.
        public var etcdVersion: String
        /// `debug` or `release`: the build configuration of this `headnet`.
        public var build: String
        /// Creates a description.
        public init(cores: Int, etcdVersion: String, build: String) {
            self.cores = cores
            self.etcdVersion = etcdVersion
            self.build = build
        }
    }

    /// What was measured on which cluster.
    public struct Setup: Codable, Sendable, Hashable {
        /// Nodes of the cluster.
        public var nodes: Int
        /// Whether the bench brought up (and removed) a devnet of its own.
        public var ownDevnet: Bool
        /// The spec of the cluster (a temporary file for an own devnet).
        public var spec: String
        /// Saturation messages.
        public var messages: Int
        /// Payload bytes.
        public var size: Int
        /// Concurrent headnet senders and raw puts in flight.
        public var senders: Int
        /// Puts per raw throughput measurement.
        public var rawPuts: Int
        /// Samples per raw put→watch measurement.
        public var rawLatencySamples: Int
        /// Low-load broadcasts.
        public var lowLoadSamples: Int
        /// Rounds in which raw put→watch on every member and low-load broadcasts took turns.
        public var latencyRounds: Int
        /// Messages per throughput slice.
        public var sliceSize: Int
    }

    /// etcd alone, through `EtcdClient`.
    public struct Raw: Codable, Sendable, Hashable {
        /// Puts one after another.
        public var sequentialPuts: Int
        /// Their rate.
        public var sequentialPutsPerSecond: Double
        /// Puts in flight at once.
        public var inFlight: Int
        /// Puts with ``inFlight`` in flight.
        public var inFlightPuts: Int
        /// Their rate.
        public var inFlightPutsPerSecond: Double
        /// One put at a time, until a watch on the member the put went to reports it.
        public var putToWatchSameMember: LatencySummary
        /// One put at a time, until a watch on every member reports it.
        public var putToWatchEveryMember: LatencySummary
    }

    /// The saturation phase: all nodes sending.
    public struct Saturation: Codable, Sendable, Hashable {
        /// Messages sent (each delivered on every node).
        public var messages: Int
        /// From the first post to the last message delivered everywhere.
        public var seconds: Double
        /// ``messages`` ÷ ``seconds``.
        public var deliveredPerSecond: Double
        /// POST → delivered on every node, under this load.
        public var latency: LatencySummary
        /// Throughput per slice of delivered messages.
        public var slices: [SliceThroughput]
    }

    /// headnet's figures.
    public struct Headnet: Codable, Sendable, Hashable {
        /// Broadcast → delivered on every node, one message at a time, the sending node rotating.
        public var lowLoad: LatencySummary
        /// All nodes sending.
        public var saturation: Saturation
        /// etcd revisions the saturation phase used.
        public var revisions: Int64
        /// ``revisions`` per 1,000 messages (a raw put uses 1,000).
        public var revisionsPerThousandMessages: Double
    }

    /// Resident memory of one `headnet node` process.
    public struct NodeMemory: Codable, Sendable, Hashable {
        /// The node.
        public var node: String
        /// Its process (nil when no pid file names a live one).
        public var pid: Int32?
        /// Before the headnet phases.
        public var beforeBytes: Int?
        /// After the first slice of saturation messages was delivered everywhere.
        public var afterFirstSliceBytes: Int?
        /// At the end.
        public var endBytes: Int?

        /// Creates a record.
        public init(node: String, pid: Int32?, beforeBytes: Int? = nil, afterFirstSliceBytes: Int? = nil, endBytes: Int? = nil) {
            self.node = node
            self.pid = pid
            self.beforeBytes = beforeBytes
            self.afterFirstSliceBytes = afterFirstSliceBytes
            self.endBytes = endBytes
        }

        private enum CodingKeys: String, CodingKey { case node, pid, beforeBytes, afterFirstSliceBytes, endBytes }

        /// Encodes every field, a missing value as `null`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(node, forKey: .node)
            try container.encode(pid, forKey: .pid)
            try container.encode(beforeBytes, forKey: .beforeBytes)
            try container.encode(afterFirstSliceBytes, forKey: .afterFirstSliceBytes)
            try container.encode(endBytes, forKey: .endBytes)
        }
    }

    /// etcd's database size (largest over the members), around the headnet phases.
    public struct DatabaseSize: Codable, Sendable, Hashable {
        /// Before the headnet phases.
        public var beforeBytes: Int64
        /// After them.
        public var afterBytes: Int64
    }

    /// Where the run ran.
    public var machine: Machine
    /// What was measured.
    public var setup: Setup
    /// etcd alone.
    public var raw: Raw
    /// headnet.
    public var headnet: Headnet
    /// headnet ÷ raw.
    public var ratios: BenchRatios
    /// Each node's resident memory.
    public var nodeRSS: [NodeMemory]
    /// etcd's database size.
    public var etcdDbSize: DatabaseSize
    /// Wall time of the measurements (without bringing a devnet up or down).
    public var seconds: Double

    /// The report as pretty-printed JSON with sorted keys, ending in a newline.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
