#!/usr/bin/env bash
# Configures and builds lexwatch and its tests into build/ (RelWithDebInfo).
# Used by demo.sh and test.sh. JOBS overrides the parallelism (default: 2),
# BUILD_DIR the build directory (default: build).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-2}"
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD_DIR" -j"$JOBS"
