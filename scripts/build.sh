#!/usr/bin/env bash
# Configures and builds lexwatch and its tests into build/ (RelWithDebInfo).
# Used by demo.sh and test.sh. JOBS overrides the parallelism (default: 2).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-2}"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$JOBS"
