#!/usr/bin/env bash
# CI for this connector: configure, build, and run the conformance kit.
#   CONNHOST_PREFIX=/opt/connhost ./ci.sh
# CONNHOST_PREFIX is where the connhost SDK is installed (cmake --install, or the .deb: /usr).
set -euo pipefail
cd "$(dirname "$0")"
PREFIX=${CONNHOST_PREFIX:-/usr}
BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD"
ctest --test-dir "$BUILD" --output-on-failure
