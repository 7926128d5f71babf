#!/usr/bin/env bash
# Builds everything with AddressSanitizer and UBSan (clang; the libFuzzer
# targets too, so scripts/fuzz.sh can reuse the build) into build-asan/ and
# runs the unit tests and the end-to-end tests on the instrumented code.
# Any sanitizer report fails the run: the process stops at the first error
# (exit code 86) and the report is kept in <build>/sanitizer-logs/.
#
# ASAN_BUILD_DIR overrides the build directory, JOBS the parallelism (2).
# SANITIZE_SKIP is a ctest -E regex of the tests left out (default: the
# package test, which needs a plain build; the kill -9 crash test, which
# takes minutes under ASan; and the seccomp test, whose filter rightly kills
# LeakSanitizer's ptrace at exit. All three run in scripts/test.sh's build).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${ASAN_BUILD_DIR:-build-asan}"
JOBS="${JOBS:-2}"
SKIP="${SANITIZE_SKIP:-^package\.|KillNineAcrossRestarts|UnderTheUnitsSyscallFilter}"
LOGS="$PWD/$BUILD_DIR/sanitizer-logs"

start=$SECONDS
cmake -S . -B "$BUILD_DIR" -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEXWATCH_SANITIZE=ON -DLEXWATCH_FUZZ=ON \
  -DLEXWATCH_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD_DIR" -j"$JOBS"
echo "== sanitizer build: $((SECONDS - start)) s"

rm -rf "$LOGS"
mkdir -p "$LOGS"
common="halt_on_error=1:exitcode=86:print_stacktrace=1:log_path=$LOGS/report"
export ASAN_OPTIONS="$common:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="$common"
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"

start=$SECONDS
echo "== ctest (ASan + UBSan), skipping: $SKIP"
status=0
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$JOBS" -E "$SKIP" ||
  status=$?
echo "== sanitizer tests: $((SECONDS - start)) s"

if compgen -G "$LOGS/report*" >/dev/null; then
  echo "== sanitizer reports:"
  cat "$LOGS"/report*
  status=1
fi
exit "$status"
