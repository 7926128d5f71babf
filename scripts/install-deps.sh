#!/usr/bin/env bash
# Installs what lexwatch's build and test suite need on Debian 12 (bookworm).
# Idempotent: when every package is already installed it changes nothing and
# does not touch the network. Uses sudo only when not run as root.
set -euo pipefail

PACKAGES=(
  # Toolchain
  build-essential cmake pkg-config
  # Libraries lexwatch links
  libcurl4-openssl-dev libpugixml-dev libsqlite3-dev libboost-dev
  libspdlog-dev libfmt-dev libtomlplusplus-dev libcli11-dev libutf8proc-dev
  libstemmer-dev nlohmann-json3-dev zlib1g-dev ca-certificates
  libkainjow-mustache-dev
  # The tz database: digest times in [mail] timezone (Europe/Oslo is built in)
  tzdata
  # Tests: GoogleTest, benchmarks, and the real peers of the end-to-end tests
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-aiosmtpd nginx-light sqlite3
  # The HTML mail is rendered in headless Chromium and checked for a page
  chromium
  # The unit's syscall filter in the e2e tests (systemd-analyze resolves the
  # sets, python3-seccomp applies them); the footprint bench (strace)
  systemd python3-seccomp strace
  # The packaging test: cpack's dependency list and the man page check
  dpkg-dev groff-base
  # Sanitizer and fuzzing builds (scripts/sanitize.sh, scripts/fuzz.sh):
  # clang with its runtimes (ASan, UBSan, libFuzzer), only recommended by clang
  clang libclang-rt-14-dev
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
      grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
