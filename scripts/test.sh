#!/usr/bin/env bash
# Installs the dependencies, builds lexwatch and runs the whole test suite
# (GoogleTest unit tests and the end-to-end tests against nginx and aiosmtpd
# on 127.0.0.1). Exits with ctest's status.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/build.sh

echo "== ctest"
status=0
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j"${JOBS:-2}" || status=$?
exit "$status"
