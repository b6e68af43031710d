#!/usr/bin/env bash
# Regenerates Sources/EtcdAPI/Generated from Protos/ with Debian's protoc and the two Swift plugins,
# built once in release mode from the same package versions the project depends on.
#
#   scripts/generate-protos.sh           regenerate the committed code
#   scripts/generate-protos.sh --check   regenerate into a temp dir and fail if it differs
#
# Needs: protoc (apt-get install protobuf-compiler). The plugins are cached in .build-protoc/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.build-protoc"
out="$root/Sources/EtcdAPI/Generated"
mode=${1:-generate}

command -v protoc >/dev/null || { echo "protoc not found: apt-get install protobuf-compiler" >&2; exit 1; }

mkdir -p "$tools/pkg"
cat > "$tools/pkg/Package.swift" <<'SWIFT'
// swift-tools-version:6.1
// Builds the protoc plugins for scripts/generate-protos.sh. Not part of the headnet package.
import PackageDescription
let package = Package(
    name: "protoc-plugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
    ],
    targets: []
)
SWIFT

bin="$tools/pkg/.build/release"
if [ ! -x "$bin/protoc-gen-swift" ] || [ ! -x "$bin/protoc-gen-grpc-swift-2" ]; then
  echo "building protoc plugins (release, once; takes a few minutes)…" >&2
  swift build -c release --package-path "$tools/pkg" --product protoc-gen-swift >&2
  swift build -c release --package-path "$tools/pkg" --product protoc-gen-grpc-swift-2 >&2
fi

target="$out"
if [ "$mode" = "--check" ]; then
  target=$(mktemp -d)
  trap 'rm -rf "$target"' EXIT
fi
rm -rf "$target"; mkdir -p "$target"

protoc \
  --proto_path="$root/Protos" \
  --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
  --plugin=protoc-gen-grpc-swift-2="$bin/protoc-gen-grpc-swift-2" \
  --swift_out="$target" \
  --swift_opt=Visibility=Public,FileNaming=PathToUnderscores \
  --grpc-swift-2_out="$target" \
  --grpc-swift-2_opt=Visibility=Public,Server=false,Client=true,FileNaming=PathToUnderscores \
  mvccpb/kv.proto etcdserverpb/rpc.proto

if [ "$mode" = "--check" ]; then
  if diff -r "$out" "$target"; then
    echo "generated code is up to date"
  else
    echo "generated code differs from Protos/: run scripts/generate-protos.sh and commit" >&2
    exit 1
  fi
else
  echo "wrote $(ls "$target" | wc -l) files to ${target#$root/}"
fi
