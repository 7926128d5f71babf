#!/usr/bin/env bash
# How one `lexwatch run --once` cycle grows with the archive, the rules and
# the agencies (issue 7): 500 new acts against an archive of 10,000 or
# 100,000 acts, 1,000 or 10,000 generated rules, 500 or 5,000 agencies,
# one factor at a time and all together (bench/scale.py does the work).
# Prints the machine and one row per configuration: CPU time (user+sys),
# wall time, peak RSS, mails delivered, and growth against the base.
# Exits 0 when every run succeeds, 2 otherwise; no targets are judged.
# Takes 3-5 minutes on 2 cores (filling the 100,000-act archive is about
# half of it).
#
# Environment:
#   BUILD_DIR    build directory (default: <repo>/build-bench); configured
#                with CMAKE_BUILD_TYPE=Release unless it already exists
#   SKIP_BUILD=1 use the binaries in BUILD_DIR as they are
#   RUNS         runs per configuration, the median counts (default 1)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build-bench}
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"

build_release lexwatch bench_tool

/usr/bin/python3 "$root/bench/scale.py" --lexwatch "$build_dir/lexwatch" \
  --bench-tool "$build_dir/bench/bench_tool" --runs "${RUNS:-1}" || exit 2
