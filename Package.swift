// swift-tools-version:6.2
import PackageDescription

import class Foundation.ProcessInfo

let package = Package(
    name: "headnet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "headnet", targets: ["headnet"]),
        .library(name: "EtcdClient", targets: ["EtcdClient"]),
        .library(name: "CBOR", targets: ["CBOR"]),
        // The modules Fuzz/ (a package of its own, `make fuzz`) drives: the decoders and the
        // node API's request parsing, and the drill file reader.
        .library(name: "HeadnetCore", targets: ["HeadnetCore"]),
        .library(name: "HeadNetwork", targets: ["HeadNetwork"]),
        .library(name: "ClusterSpec", targets: ["ClusterSpec"]),
        .library(name: "NodeAPIModel", targets: ["NodeAPIModel"]),
        .library(name: "NodeService", targets: ["NodeService"]),
        .library(name: "Drills", targets: ["Drills"]),
    ],
    dependencies: [
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        .target(
            name: "EtcdAPI",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(
            name: "EtcdClient",
            dependencies: [
                "HeadnetCore",
                "EtcdAPI",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "CBOR", dependencies: ["HeadnetCore"]),
        // HeadnetCore: decisions with one owner (Hydra's port formulas, the quorum rule, the
        // names of a node's state files, the shape and text of every module's error); no
        // dependencies, so every module (CBOR and EtcdClient too) may depend on it.
        .target(name: "HeadnetCore"),
        // Processes: spawning, watching and stopping processes (the only place that spawns).
        .target(
            name: "Processes",
            dependencies: [
                "HeadnetCore",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "HeadNetwork",
            dependencies: [
                "EtcdClient",
                "HeadnetCore",
                "CBOR",
                "Processes",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "EtcdTesting", dependencies: ["HeadnetCore", "Processes", "EtcdClient"]),
        // NodeAPIModel: the node's HTTP contract, shared by the server and every client: the
        // /status document, the journal entry and its one NDJSON codec.
        .target(name: "NodeAPIModel", dependencies: ["HeadNetwork"]),
        // NodeHTTP: the one HTTP client for a node's API (SwiftNIO, timeouts, no busy waiting).
        .target(
            name: "NodeHTTP",
            dependencies: [
                "HeadnetCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(name: "ClusterSpec", dependencies: ["HeadnetCore", .product(name: "Yams", package: "Yams")]),
        // Drills: `headnet drill` — drill files, their node selectors, and the invariant checker
        // (I/O-free); the runner that executes them on the Orchestrator's roles.
        // The SETTINGS-burst relay is SwiftNIO (NIOCore, NIOPosix).
        .target(
            name: "Drills",
            dependencies: [
                "ClusterSpec", "EtcdClient", "Health", "HeadnetCore", "NodeAPIModel", "Orchestrator", "Processes",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // templates/: the .mustache files `headnet generate` renders, shipped as resources.
        .target(
            name: "HeadnetTemplates",
            path: "templates",
            resources: [.copy("headnet-node@.service.mustache"), .copy("compose.yaml.mustache")]
        ),
        .target(
            name: "Deploy",
            dependencies: [
                "HeadnetCore",
                "ClusterSpec", "HeadNetwork", "EtcdClient", "HeadnetTemplates", "Processes",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Health: checks of a running head, each a small type returning a verdict with evidence.
        .target(name: "Health", dependencies: ["HeadnetCore", "CBOR", "ClusterSpec", "HeadNetwork", "EtcdClient", "NodeAPIModel"]),
        // Orchestrator: cluster operations as plans (I/O-free values) executed by a runner.
        .target(
            name: "Orchestrator",
            dependencies: [
                "HeadnetCore",
                "ClusterSpec", "Deploy", "EtcdClient", "HeadNetwork", "Health", "Processes", "NodeAPIModel", "NodeHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "NodeService",
            dependencies: [
                "HeadnetCore",
                "HeadNetwork", "NodeAPIModel", "Processes",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Bench: `headnet bench`, raw etcd through EtcdClient against headnet on a devnet; the
        // numbers (payloads, delivery bookkeeping, percentiles, report) are I/O-free types.
        .target(
            name: "Bench",
            dependencies: [
                "HeadnetCore",
                "EtcdClient", "ClusterSpec", "Deploy", "Orchestrator", "Processes", "NodeAPIModel", "NodeHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "HeadnetCLI",
            dependencies: [
                "HeadnetCore",
                "Drills",
                "EtcdClient",
                "HeadNetwork",
                "NodeAPIModel",
                "NodeService",
                "ClusterSpec",
                "Deploy",
                "Orchestrator",
                "Health",
                "Processes",
                "Bench",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "headnet", dependencies: ["HeadnetCLI"]),
        .testTarget(name: "ProcessesTests", dependencies: ["Processes", "EtcdTesting"]),
        .testTarget(
            name: "OrchestratorTests",
            dependencies: ["Orchestrator", "ClusterSpec", "Deploy", "EtcdTesting", "HeadnetCore", "HeadNetwork", "Health", "NodeAPIModel", "Processes", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "HealthTests", dependencies: ["Health", "HeadNetwork", "HeadnetCore", "ClusterSpec", "NodeAPIModel"]),
        .testTarget(name: "CBORTests", dependencies: ["CBOR", "Processes"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "EtcdClientTests",
            dependencies: [
                "EtcdClient", "EtcdTesting", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
            ]
        ),
        .testTarget(name: "EtcdTestingTests", dependencies: ["EtcdTesting", "EtcdClient", "Processes"]),
        .testTarget(name: "ClusterSpecTests", dependencies: ["ClusterSpec", "HeadnetCore"]),
        .testTarget(name: "BenchTests", dependencies: ["Bench", "NodeAPIModel"]),
        .testTarget(name: "NodeAPIModelTests", dependencies: ["NodeAPIModel", "HeadNetwork", "HeadnetCore"]),
        .testTarget(name: "HeadnetCoreTests", dependencies: ["HeadnetCore"]),
        .testTarget(
            name: "DrillsTests",
            dependencies: [
                "Drills", "ClusterSpec", "EtcdClient", "EtcdTesting", "HeadnetCore", "NodeAPIModel", "Orchestrator",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "DeployTests",
            dependencies: [
                "Deploy", "ClusterSpec", "HeadNetwork", "HeadnetCore", "EtcdClient", "EtcdTesting", "HeadnetTemplates", "Processes",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .testTarget(
            name: "NodeServiceTests",
            dependencies: [
                "NodeService", "NodeAPIModel", "HeadNetwork", "HeadnetCore", "EtcdTesting", "Processes", "NodeHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "HeadNetworkTests",
            dependencies: ["HeadNetwork", "HeadnetCore", "CBOR", "EtcdClient", "EtcdTesting", "Processes", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "HeadnetCLITests",
            dependencies: [
                "HeadnetCLI", "EtcdTesting", "Processes", "HeadnetCore", "Health", "ClusterSpec", "Deploy", "NodeHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)

// Benchmarks/: micro-benchmarks of the hot path with ordo-one/benchmark, only with
// HEADNET_BENCHMARKS=1 (`make benchmarks`) so that everyday builds and CI do not build it.
// Only the MallocInterposer trait (mallocCountTotal): leaving out the default RuntimeInterposer
// trait prunes swift-runtime-interposer, which benchmark adds on Linux with Swift 6.3 for the ARC
// metrics (retain/release counts) these benchmarks do not use.
if ProcessInfo.processInfo.environment["HEADNET_BENCHMARKS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]))
    package.targets.append(
        .executableTarget(
            name: "Hotpath",
            dependencies: [.product(name: "Benchmark", package: "benchmark"), "CBOR", "HeadNetwork", "NodeService"],
            path: "Benchmarks/Hotpath",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ))
}
