#!/usr/bin/env bash
# Memory, idle CPU and wakeups of the lexwatch daemon over a simulated day of
# polling 20 local feeds, beside the daemon with one source and `sleep`.
# Needs a C compiler (bench/fastclock.c) and strace (system-call counts).
# Usage: bench/footprint.sh [footprint.py options]   (BUILD_DIR, default build)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
if [ -z "${SKIP_BUILD:-}" ]; then
  cmake -S . -B "$build" >/dev/null
  cmake --build "$build" --target lexwatch -j"${JOBS:-2}" >/dev/null
fi
uname -a
exec /usr/bin/python3 bench/footprint.py --binary "$build/lexwatch" "$@"
