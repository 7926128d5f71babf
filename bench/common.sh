# shellcheck shell=bash
# Sourced by the bench scripts (compare.sh, floors.sh, scale.sh,
# run_match_bench.sh, run_pipeline_bench.sh): the Release build, the
# package check and the machine line they share. Not a script of its own.
#
# The caller sets, before sourcing:
#   root       the repository
#   build_dir  the build directory (the scripts default to <repo>/build-bench)
# shellcheck disable=SC2154  # root and build_dir come from the caller.

# report_missing SCRIPT [PACKAGE...]: when any Debian package is named
# (those the caller found missing), exits 2 naming them and the apt-get line
# that installs them; SCRIPT names the script in the message.
report_missing() {
  local label="$1 needs:"
  shift
  (($#)) || return 0
  echo "$label $*" >&2
  printf '%-*s %s\n' "${#label}" "install with:" "sudo apt-get install $*" >&2
  exit 2
}

# Builds the given targets in build_dir, configured with
# CMAKE_BUILD_TYPE=Release when it does not exist yet; with SKIP_BUILD set,
# builds nothing. Warns when build_dir is not a Release build, since the
# figures would then say little. Exits 2 when the build fails.
build_release() {
  if [[ -z ${SKIP_BUILD:-} ]]; then
    if [[ ! -f $build_dir/CMakeCache.txt ]]; then
      cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release \
        >/dev/null || exit 2
    fi
    cmake --build "$build_dir" -j2 --target "$@" >/dev/null || exit 2
  fi
  local build_type
  build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' \
    "$build_dir/CMakeCache.txt" 2>/dev/null || true)
  if [[ $build_type != Release ]]; then
    echo "warning: $build_dir is a '$build_type' build, not Release" >&2
  fi
}

# "2 cores, <CPU model>", for the header of a report.
machine_line() {
  local cpu
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
  echo "$(nproc) cores, ${cpu:-unknown CPU}"
}

# The load averages over 1, 5 and 15 minutes: "0.52 0.61 0.70".
load_now() { cut -d' ' -f1-3 /proc/loadavg; }
