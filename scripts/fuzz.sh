#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer and UBSan) and runs
# each over its seed corpus in fuzz/corpus/<target>/ for FUZZ_SECONDS
# (default 25) on one core. Exits 1 when a target finds a crash, a leak, a
# timeout or a broken invariant; the input that did it is left in
# <build>/fuzz-work/<target>/artifacts/. New inputs the fuzzer finds go to
# <build>/fuzz-work/<target>/corpus/ and are reused by the next run.
#
#   ./scripts/fuzz.sh                                  CI: 25 s per target
#   FUZZ_SECONDS=600 ./scripts/fuzz.sh                 the long run
#   FUZZ_TARGETS=rules_fuzzer FUZZ_SECONDS=60 ./scripts/fuzz.sh
#
# FUZZ_BUILD_DIR (default build-fuzz) may name the build of
# scripts/sanitize.sh, which builds the fuzzers too.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${FUZZ_BUILD_DIR:-build-fuzz}"
SECONDS_EACH="${FUZZ_SECONDS:-25}"
read -r -a TARGETS <<<"${FUZZ_TARGETS:-feed_render_fuzzer rules_fuzzer sparql_fuzzer}"

# A build of its own needs only the components the fuzzers reach; an
# existing build (scripts/sanitize.sh's) is used as it is.
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEXWATCH_FUZZ=ON \
    -DLEXWATCH_DEV_ONLY="feed;rules;mail" -DLEXWATCH_BUILD_TESTS=OFF \
    -DLEXWATCH_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$BUILD_DIR" -j"${JOBS:-2}" --target "${TARGETS[@]}"

status=0
for target in "${TARGETS[@]}"; do
  work="$BUILD_DIR/fuzz-work/$target"
  mkdir -p "$work/corpus" "$work/artifacts"
  echo "== fuzz $target (${SECONDS_EACH}s)"
  # -max_len: the seeds hold 5,000-deep documents of ~35 kB.
  if ! "$BUILD_DIR/fuzz/$target" -max_total_time="$SECONDS_EACH" \
      -timeout=20 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$work/artifacts/" "$work/corpus" \
      "fuzz/corpus/$target" >"$work/log" 2>&1; then
    status=1
    echo "fuzz: $target FAILED; last lines of $work/log:"
    tail -n 60 "$work/log"
  fi
  grep -E '^(#[0-9]+[[:space:]]+DONE|stat::average_exec_per_sec|stat::peak_rss_mb)' \
    "$work/log" | sed 's/^/  /' || true
done
exit "$status"
