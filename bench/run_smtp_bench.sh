#!/usr/bin/env bash
# Builds and runs smtp_bench: 1,000 messages to aiosmtpd on 127.0.0.1 with
# connection reuse beside one connection per message (the baseline).
# Usage: bench/run_smtp_bench.sh [--count N]   (BUILD_DIR, default build)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
cmake -S . -B "$build" -DLEXWATCH_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target smtp_bench -j"${JOBS:-2}" >/dev/null
exec "$build/bench/smtp_bench" "$@"
