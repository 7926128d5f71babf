#!/usr/bin/env bash
# lexwatch beside what a user would pick instead (issue 7), on this machine
# in one run (bench/compare.py does the work):
#   (a) parsing a 5 MB EUR-Lex-shape feed: python3-feedparser vs lexwatch's
#       parser; target: lexwatch >= 100x less CPU per parse;
#   (b) one cycle over 20 feeds x 100 acts from http.server on 127.0.0.1,
#       mailing every act to one aiosmtpd sink on 127.0.0.1: rss2email
#       (r2e run) vs lexwatch run --once; targets: lexwatch >= 20x less
#       CPU and >= 5x less peak memory.
# Prints the machine, a table per comparison and PASS/FAIL per target.
# Exits 0 when every target holds, 1 when one fails, 2 when something is
# missing or a run fails. Takes 2-4 minutes on 2 cores (rss2email's runs
# are most of it).
#
# Needs the Debian packages python3-feedparser, rss2email and
# python3-aiosmtpd (the test suite does not, so scripts/install-deps.sh
# leaves the first two out):
#   sudo apt-get install python3-feedparser rss2email python3-aiosmtpd
#
# Environment:
#   BUILD_DIR    build directory (default: <repo>/build-bench); configured
#                with CMAKE_BUILD_TYPE=Release unless it already exists
#   SKIP_BUILD=1 use the binaries in BUILD_DIR as they are
#   RUNS         cycles per tool, the median counts (default 3)
# Arguments are passed to compare.py (--only parse, --only cycle).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build-bench}
python=/usr/bin/python3
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"

missing=()
"$python" -c 'import feedparser' 2>/dev/null || missing+=(python3-feedparser)
[[ -x /usr/bin/r2e ]] || missing+=(rss2email)
"$python" -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
report_missing compare.sh "${missing[@]}"

build_release lexwatch bench_tool

exec "$python" "$root/bench/compare.py" --lexwatch "$build_dir/lexwatch" \
  --bench-tool "$build_dir/bench/bench_tool" --cycle-runs "${RUNS:-3}" "$@"
