#!/usr/bin/env bash
# Runs one fuzz target (built by `make fuzz-build`) for FUZZ_SECONDS (default 60):
#   Fuzz/run.sh TARGET [libFuzzer flags...]       e.g. Fuzz/run.sh cbor -runs=1000000
# The committed corpus Fuzz/Corpus/TARGET seeds it and is only read; what libFuzzer finds goes
# to Fuzz/.build/corpus/TARGET (kept between runs, not committed), a crashing input to
# Fuzz/.build/artifacts/TARGET-crash-<sha1>. Exits non-zero on a crash, as libFuzzer does.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: Fuzz/run.sh TARGET [libFuzzer flags...]}
shift
binary=.build/release/fuzz-$target
[[ -x $binary ]] || { echo "no $binary: run \`make fuzz-build\` first" >&2; exit 1; }
[[ -d Corpus/$target ]] || { echo "no corpus Fuzz/Corpus/$target" >&2; exit 1; }
mkdir -p ".build/corpus/$target" .build/artifacts
# Swift's backtracer reads the stack after a fatal error, which AddressSanitizer reports as a
# second, false error; without it a failed check is reported by libFuzzer as a deadly signal.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
# AddressSanitizer's quarantine and caches take ~1 GB after a million runs; libFuzzer's default
# limit is 2 GB.
flags=(-max_total_time="${FUZZ_SECONDS:-60}" -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix=".build/artifacts/$target-")
[[ -f Dictionaries/$target.dict ]] && flags+=(-dict="Dictionaries/$target.dict")
echo "fuzz-$target: ${FUZZ_SECONDS:-60} s at most, corpus Fuzz/Corpus/$target" >&2
exec "$binary" "${flags[@]}" "$@" ".build/corpus/$target" "Corpus/$target"
