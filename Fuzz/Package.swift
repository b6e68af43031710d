// swift-tools-version:6.2
import PackageDescription

// libFuzzer targets for headnet's decoders and the node API's request parsing: one executable
// per target, each defining LLVMFuzzerTestOneInput. A package of its own, so that `swift build`
// and `make test` of headnet never build it; `make fuzz` builds it with
//     swift build -c release --package-path Fuzz --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address
// and runs each target on its corpus (Corpus/<target>/). See README.md, "Fuzzing".
//
// The versions below are those of ../Package.swift (the same packages, resolved once).
let package = Package(
    name: "headnet-fuzz",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fuzz-cbor", targets: ["FuzzCBOR"]),
        .executable(name: "fuzz-wire", targets: ["FuzzWire"]),
        .executable(name: "fuzz-spec", targets: ["FuzzSpec"]),
        .executable(name: "fuzz-journal", targets: ["FuzzJournal"]),
        .executable(name: "fuzz-request", targets: ["FuzzRequest"]),
        .executable(name: "fuzz-drill", targets: ["FuzzDrill"]),
    ],
    dependencies: [
        .package(name: "headnet", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        .executableTarget(name: "FuzzCBOR", dependencies: [.product(name: "CBOR", package: "headnet")]),
        .executableTarget(
            name: "FuzzWire",
            dependencies: [
                .product(name: "CBOR", package: "headnet"),
                .product(name: "HeadnetCore", package: "headnet"),
                .product(name: "HeadNetwork", package: "headnet"),
            ]
        ),
        .executableTarget(name: "FuzzSpec", dependencies: [.product(name: "ClusterSpec", package: "headnet")]),
        .executableTarget(name: "FuzzJournal", dependencies: [.product(name: "NodeAPIModel", package: "headnet")]),
        .executableTarget(
            name: "FuzzRequest",
            dependencies: [
                .product(name: "NodeService", package: "headnet"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
            ]
        ),
        .executableTarget(
            name: "FuzzDrill",
            dependencies: [
                .product(name: "Drills", package: "headnet"),
                .product(name: "ClusterSpec", package: "headnet"),
                .product(name: "HeadnetCore", package: "headnet"),
            ]
        ),
    ]
)
