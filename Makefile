# headnet — the commands a newcomer and CI run. `make test` works on a fresh Debian machine as root.
SWIFT ?= swift

.PHONY: deps build test check-imports devnet devnet-down drills bench benchmarks fuzz fuzz-build generate check-generated clean

## Install etcd, etcdctl, protoc, pip and cbor2 when missing.
deps:
	@scripts/install-deps.sh

## Build everything (debug).
build: deps
	$(SWIFT) build

## Run every test, against real etcd processes the tests start themselves. The build comes
## first because black-box tests run the `headnet` binary.
test: deps check-imports
	$(SWIFT) build
	$(SWIFT) test

## Every target of Package.swift declares exactly the modules it imports.
check-imports:
	@python3 scripts/check-imports.py

## Bring up the 3-node local devnet of clusters/devnet.yaml (background processes).
devnet: deps
	$(SWIFT) build
	.build/debug/headnet up clusters/devnet.yaml

## Stop it (state stays in .headnet/devnet; `headnet down --purge` removes it).
devnet-down:
	.build/debug/headnet down clusters/devnet.yaml

## Every drill in drills/ (or DRILLS="drills/a.yaml …"), one after the other, on devnets of
## their own; a table of the results at the end, reports and timelines in .build/drills/.
## Network-fault drills need root; without it they are skipped, saying why. `make test` runs a
## short subset (DevnetDrillTests); this runs them all (~10 minutes).
drills: deps
	$(SWIFT) build
	scripts/run-drills.sh

## Raw etcd (through EtcdClient) against headnet on a devnet of the bench's own, removed
## afterwards; a release build, since the bench measures headnet and not the debug build.
## BENCH_FLAGS passes options, e.g. `make bench BENCH_FLAGS=--json`.
bench: deps
	$(SWIFT) build -c release
	.build/release/headnet bench $(BENCH_FLAGS)

## Micro-benchmarks of the hot path (Benchmarks/Hotpath: CBOR batches, the broadcast queue, the
## delivered journal) with ordo-one/benchmark, a release build. Only HEADNET_BENCHMARKS=1 adds
## the dependency and target, so `make build` and `make test` never fetch or build them.
## BENCHMARK_FLAGS passes options, e.g. `make benchmarks BENCHMARK_FLAGS="--filter '.*Journal.*'"`.
benchmarks:
	HEADNET_BENCHMARKS=1 $(SWIFT) package --allow-writing-to-package-directory benchmark $(BENCHMARK_FLAGS)

## libFuzzer targets (Fuzz/, a package of its own: `build` and `test` never build it), each run
## for FUZZ_SECONDS on its corpus Fuzz/Corpus/<target>, one after the other; stops at the first
## crash (the input is in Fuzz/.build/artifacts/). `make fuzz-cbor` runs one target;
## FUZZ_TARGETS picks several, FUZZ_FLAGS passes libFuzzer flags, e.g.
## `make fuzz FUZZ_TARGETS="wire spec" FUZZ_SECONDS=300` or `make fuzz-journal FUZZ_FLAGS=-runs=1000000`.
## Not run by CI.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= cbor wire spec journal request drill
FUZZ_FLAGS ?=

fuzz: fuzz-build
	@for target in $(FUZZ_TARGETS); do FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh $$target $(FUZZ_FLAGS) || exit 1; done

fuzz-%: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh $* $(FUZZ_FLAGS)

## A release build with libFuzzer and AddressSanitizer instrumentation, Swift and C alike.
## `--sanitize=fuzzer` makes SwiftPM leave `main` to libFuzzer (with `-Xswiftc -sanitize=fuzzer`
## alone the link fails: SwiftPM points `main` at the target's own entry point); the Swift
## driver keeps only the last `-sanitize=` it is given, so fuzzer and address go in one flag
## (`--sanitize=fuzzer --sanitize=address` builds Swift code without coverage).
fuzz-build:
	$(SWIFT) build -c release --package-path Fuzz --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address

## Regenerate Sources/EtcdAPI/Generated from Protos/.
generate: deps
	scripts/generate-protos.sh

## Fail when the committed generated code differs from what Protos/ generates.
check-generated: deps
	scripts/generate-protos.sh --check

clean:
	rm -rf .build .build-protoc
