#!/usr/bin/env bash
# The floors under issue 7's cycle targets (lexwatch >= 20x less CPU and
# >= 5x less peak RSS than rss2email for one `run --once` of 2,000 mails):
# what no cycle of lexwatch can go below, whatever its own code does.
#   - peak RSS of: a bare C++ main (the C++ runtime); a program that only
#     loads lexwatch's shared libraries; the stack floor, a program that
#     uses them once each (libcurl set-up, one synced SQLite write in WAL
#     mode, one pugixml parse, one spdlog line, one mail over SMTP to
#     aiosmtpd on 127.0.0.1); and `lexwatch --help`;
#   - CPU (user+sys) of 2,000 durable commits: pwrite 4 KiB + fdatasync,
#     and SQLite WAL transactions with synchronous=FULL (one synced commit
#     per mail, as lexwatch does) and OFF; and of sending 2,000 alert-sized
#     mails with libcurl over one SMTP connection (the client's CPU).
# The floor programs are bench/floor/*.cc, built with c++ into
# $BUILD_DIR/floor and linked against every library `readelf -d lexwatch`
# lists, so they load what lexwatch loads. Each program runs RUNS times,
# alternately; the tables show medians.
#
# With rss2email's cycle CPU and peak RSS (compare.sh's rss2email row) it
# also says how much of the target's budget the floors take; without them
# it prints what rss2email would have to cost for the targets to be
# reachable at all.
#
# Usage: bench/floors.sh [--rss2email-cycle-cpu SECONDS]
#                        [--rss2email-peak-mb MB]
# Environment:
#   BUILD_DIR    build directory (default: <repo>/build-bench); configured
#                with CMAKE_BUILD_TYPE=Release unless it already exists
#   SKIP_BUILD=1 use BUILD_DIR/lexwatch as it is
#   RUNS         runs per program, the median counts (default 3)
#   COMMITS      commits and mails per CPU run (default 2000)
#   RSS2EMAIL_CYCLE_CPU, RSS2EMAIL_PEAK_MB   as the options
#   TMPDIR       where the databases go: their fdatasyncs land on that disk
# Exits 0 when it ran (it measures, it has no target of its own), 2 when
# something is missing, a program fails or the sink did not receive every
# mail. Takes about a minute.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build-bench}
python=/usr/bin/python3
runs=${RUNS:-3}
commits=${COMMITS:-2000}
r2e_cpu=${RSS2EMAIL_CYCLE_CPU:-}
r2e_rss=${RSS2EMAIL_PEAK_MB:-}
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"

usage() {
  echo "usage: bench/floors.sh [--rss2email-cycle-cpu SECONDS]" \
    "[--rss2email-peak-mb MB]" >&2
  exit 2
}
while (($#)); do
  case $1 in
    --rss2email-cycle-cpu) (($# >= 2)) || usage; r2e_cpu=$2; shift 2 ;;
    --rss2email-peak-mb) (($# >= 2)) || usage; r2e_rss=$2; shift 2 ;;
    *) usage ;;
  esac
done
number='^[0-9]+([.][0-9]+)?$'
for value in "$r2e_cpu" "$r2e_rss"; do
  if [[ -n $value && ! $value =~ $number ]]; then
    echo "floors.sh: '$value' is not a positive number" >&2
    exit 2
  fi
done
if [[ ! $runs =~ ^[1-9][0-9]*$ || ! $commits =~ ^[1-9][0-9]*$ ]]; then
  echo "floors.sh: RUNS and COMMITS must be positive integers" >&2
  exit 2
fi

missing=()
command -v c++ >/dev/null || missing+=(g++)
command -v readelf >/dev/null || missing+=(binutils)
[[ -x /usr/bin/time ]] || missing+=(time)
"$python" -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
report_missing floors.sh "${missing[@]}"

build_release lexwatch
lexwatch=$build_dir/lexwatch
if [[ ! -x $lexwatch ]]; then
  echo "floors.sh: no $lexwatch (build it, or drop SKIP_BUILD)" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/lexwatch-floors-XXXXXX") || exit 2
sink_pid=
cleanup() {
  if [[ -n $sink_pid ]]; then
    kill "$sink_pid" 2>/dev/null || true
    wait "$sink_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'; }

# ---- Build the floor programs against lexwatch's libraries ---------------

# The toolchain's runtime libraries come with every c++ link; linking them
# by file name would bypass the linker scripts (libc.so) that wrap them.
runtime='^(libc|libm|libstdc\+\+|libgcc_s|libpthread|libdl|librt)\.so|^ld-linux'
mapfile -t lexwatch_libs < <(needed "$lexwatch")
loaded=()
for lib in "${lexwatch_libs[@]}"; do
  [[ $lib =~ $runtime ]] || loaded+=("-l:$lib")
done
# The ones stack_floor calls: it needs their symbols whatever lexwatch
# links (a library lexwatch dropped would still show, see the check below).
exercised=(-lspdlog -lfmt -lcurl -lpugixml -lsqlite3)
floor_dir=$build_dir/floor
mkdir -p "$floor_dir"
cxx=(c++ -std=c++20 -O2 -Wall -Wextra -I"$root" -DSPDLOG_COMPILED_LIB
  -DSPDLOG_SHARED_LIB -DSPDLOG_FMT_EXTERNAL)
build() {  # NAME LIBS...: bench/floor/NAME.cc -> $floor_dir/NAME
  local name=$1
  shift
  # --no-as-needed, left on for the runtime libraries c++ appends (libm):
  # every library lexwatch needs is loaded at start, used or not.
  if ! "${cxx[@]}" "$root/bench/floor/$name.cc" -o "$floor_dir/$name" \
    -Wl,--no-as-needed "$@"; then
    echo "floors.sh: building bench/floor/$name.cc failed" >&2
    exit 2
  fi
}
# bare loads the C++ runtime alone: the part of lexwatch's libraries that
# every C++ program pays for.
build bare
build libs_only "${loaded[@]}" "${exercised[@]}"
build stack_floor "${loaded[@]}" "${exercised[@]}"
build commit_cost -lsqlite3
build smtp_cost -lcurl

mapfile -t floor_libs < <(needed "$floor_dir/stack_floor")
mapfile -t bare_libs < <(needed "$floor_dir/bare")
not_loaded=()
for lib in "${lexwatch_libs[@]}"; do
  [[ " ${floor_libs[*]} " == *" $lib "* ]] || not_loaded+=("$lib")
done
extra=()
for lib in "${floor_libs[@]}"; do
  [[ " ${lexwatch_libs[*]} " == *" $lib "* ]] || extra+=("$lib")
done
if ((${#not_loaded[@]})); then
  echo "warning: lexwatch needs ${not_loaded[*]}, which the floor programs" \
    "do not load: their RSS is below lexwatch's real floor" >&2
fi

# ---- Peers and measurements ----------------------------------------------

port=$("$python" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
# -u: the sink's log is counted while it runs, so it must not buffer.
"$python" -u -m aiosmtpd -n -l "127.0.0.1:$port" >"$work/sink.out" 2>&1 &
sink_pid=$!
for ((i = 0; ; i++)); do
  (: <>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  if ((i == 100)); then
    echo "floors.sh: aiosmtpd did not listen on 127.0.0.1:$port" >&2
    exit 2
  fi
  sleep 0.1
done

results=$work/results.tsv
: >"$results"
# measure ROW CMD...: runs CMD under GNU time (peak RSS, CPU, wall) and
# appends them, with the loop timings CMD printed if any, to $results.
measure() {
  local row=$1
  shift
  if ! /usr/bin/time -f '%M %U %S %e' -o "$work/time" "$@" \
    >"$work/out" 2>"$work/err"; then
    echo "floors.sh: $row failed: $*" >&2
    tail -n 20 "$work/err" >&2
    exit 2
  fi
  local rss user sys wall
  read -r rss user sys wall < <(tail -n 1 "$work/time")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$row" "$rss" "$user" "$sys" "$wall" \
    "$(grep -m 1 -E '^(commits|mails)=' "$work/out" || true)" >>"$results"
}

load_before=$(load_now)
for ((run = 1; run <= runs; run++)); do
  measure bare "$floor_dir/bare"
  measure libs_only "$floor_dir/libs_only"
  rm -f "$work"/floor.db*
  measure stack_floor "$floor_dir/stack_floor" "$work/floor.db" "$port"
  measure help "$lexwatch" --help
  rm -f "$work/raw.bin"
  measure raw "$floor_dir/commit_cost" raw "$work/raw.bin" "$commits"
  rm -f "$work"/commits.db*
  measure full "$floor_dir/commit_cost" sqlite "$work/commits.db" \
    "$commits" FULL
  rm -f "$work"/commits.db*
  measure off "$floor_dir/commit_cost" sqlite "$work/commits.db" \
    "$commits" OFF
  measure smtp "$floor_dir/smtp_cost" "$port" "$commits"
done
load_after=$(load_now)

# aiosmtpd logs a message after it has answered the final 250.
count() { grep -c "^Subject: lexwatch $1\$" "$work/sink.out" || true; }
for ((i = 0; i < 50; i++)); do
  mails=$(count 'stack floor')
  bulk=$(count 'smtp cost')
  ((mails >= runs && bulk >= runs * commits)) && break
  sleep 0.1
done
if ((mails != runs || bulk != runs * commits)); then
  echo "floors.sh: the sink received $mails stack_floor mails and $bulk" \
    "smtp_cost mails, expected $runs and $((runs * commits))" >&2
  exit 2
fi

libs_line="every library lexwatch needs"
if ((${#not_loaded[@]})); then
  libs_line="all but ${not_loaded[*]} (WARNING: the floors are too low)"
fi
if ((${#extra[@]})); then
  libs_line+=", and also ${extra[*]}"
fi
header=(
  "Machine: $(machine_line)"
  "Load:    $load_before before, $load_after after"
  "Date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
  "lexwatch: $lexwatch (${build_type:-unknown build type}), needs ${lexwatch_libs[*]}"
  "Floors:  $floor_dir; stack_floor and libs_only load $libs_line;"
  "         bare loads ${bare_libs[*]}"
  "Scratch: $work ($(stat -f -c %T "$work")); sink: aiosmtpd on 127.0.0.1:$port received all $mails + $bulk mails"
)
"$python" - "$results" "$commits" "$runs" "$r2e_cpu" "$r2e_rss" \
  "${header[@]}" <<'PY'
import statistics
import sys

path, commits, runs, r2e_cpu, r2e_rss = sys.argv[1:6]
commits, runs = int(commits), int(runs)
r2e_cpu = float(r2e_cpu) if r2e_cpu else None
r2e_rss = float(r2e_rss) if r2e_rss else None
rows = {}
with open(path) as f:
    for line in f:
        row, rss, user, sys_, wall, timings = line.rstrip("\n").split("\t")
        loop = dict(kv.split("=") for kv in timings.split())
        rows.setdefault(row, []).append({
            "rss": int(rss) / 1024.0, "cpu": float(user) + float(sys_),
            "loop_user": float(loop.get("user_s", 0)),
            "loop_sys": float(loop.get("sys_s", 0)),
            "loop_wall": float(loop.get("wall_s", 0))})


def med(row, key):
    return statistics.median(r[key] for r in rows[row])


for line in sys.argv[6:]:
    print(line)
print(f"Runs:    {runs} per program, alternately; medians")
print()

print(f"{'peak RSS (GNU time, maximum resident set size)':<52} "
      f"{'median':>8}   runs")
labels = {
    "bare": "bare main, C++ runtime only (bare)",
    "libs_only": "lexwatch's libraries loaded only (libs_only)",
    "stack_floor": "stack floor: each library used once (stack_floor)",
    "help": "lexwatch --help",
}
for row, label in labels.items():
    each = " ".join(f"{r['rss']:.1f}" for r in rows[row])
    print(f"{label:<52} {med(row, 'rss'):>6.1f}MB   {each}")
print()

print(f"{f'CPU of {commits:,} of each (the loop alone)':<40} "
      f"{'CPU':>8} {'user':>8} {'sys':>8} {'wall':>8} {'each':>11} "
      f"{'process CPU':>12}")
labels = {
    "raw": "commits: pwrite 4 KiB + fdatasync",
    "full": "commits: SQLite WAL, synchronous=FULL",
    "off": "commits: SQLite WAL, synchronous=OFF",
    "smtp": "mails: libcurl SMTP, one connection",
}
for row, label in labels.items():
    for r in rows[row]:
        r["loop_cpu"] = r["loop_user"] + r["loop_sys"]
    cpu = med(row, "loop_cpu")
    print(f"{label:<40} {cpu:>7.3f}s {med(row, 'loop_user'):>7.3f}s "
          f"{med(row, 'loop_sys'):>7.3f}s {med(row, 'loop_wall'):>7.3f}s "
          f"{cpu / commits * 1e6:>8.0f} us {med(row, 'cpu'):>11.3f}s")
print()

full, raw = med("full", "loop_cpu"), med("raw", "loop_cpu")
smtp = med("smtp", "loop_cpu")
floor = med("stack_floor", "rss")
if r2e_cpu:
    budget = r2e_cpu / 20
    print(f"CPU budget at 20x less than rss2email's cycle: "
          f"{r2e_cpu:.3f}s / 20 = {budget:.3f}s")
    for what, value in ((f"{commits:,} bare pwrite+fdatasync", raw),
                        (f"{commits:,} synced SQLite commits", full),
                        (f"{commits:,} libcurl SMTP sends", smtp),
                        ("synced commits + SMTP sends", full + smtp)):
        print(f"  {what:<36} {value:.3f}s = {value / budget:.2f}x "
              f"the budget")
    left = budget - full - smtp
    print("  " + (f"one synced commit and one send per mail leave {left:.3f}s "
                  f"for everything else in the cycle" if left > 0 else
                  "one synced commit and one send per mail alone exceed "
                  "the budget: 20x is out of reach"))
else:
    print(f"CPU: {commits:,} synced SQLite commits and SMTP sends take "
          f"{full + smtp:.3f}s; 20x less than rss2email is reachable only "
          f"if its cycle takes more than {20 * (full + smtp):.2f}s "
          f"(give --rss2email-cycle-cpu)")
if r2e_rss:
    budget = r2e_rss / 5
    print(f"Peak RSS budget at 5x less than rss2email's: "
          f"{r2e_rss:.1f}MB / 5 = {budget:.2f}MB")
    print(f"  {'the stack floor':<36} {floor:.1f}MB = "
          f"{floor / budget:.2f}x the budget")
    print(f"  {'lexwatch libraries loaded only':<36} "
          f"{med('libs_only', 'rss'):.1f}MB = "
          f"{med('libs_only', 'rss') / budget:.2f}x the budget")
    print("  " + (f"the stack floor leaves {budget - floor:.2f}MB for "
                  f"lexwatch's own code and data" if floor < budget else
                  "the stack floor alone exceeds the budget: 5x is out "
                  "of reach with these libraries"))
else:
    print(f"Peak RSS: the stack floor is {floor:.1f}MB; 5x less than "
          f"rss2email is reachable only if its peak exceeds "
          f"{5 * floor:.1f}MB (give --rss2email-peak-mb)")
PY
