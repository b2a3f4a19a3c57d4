#!/usr/bin/env bash
# Out-of-tree build: install the SDK into a temporary prefix, build the template connector as a
# separate CMake project against that prefix alone, and load the result into the host.
set -euo pipefail
BUILD_DIR=$1
CONNHOST=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/connhost-sdk-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

cmake --install "$BUILD_DIR" --prefix "$WORK/prefix" > "$WORK/install.log"
test -f "$WORK/prefix/include/connhost/abi.h"
test -f "$WORK/prefix/lib/cmake/connhost_sdk/connhost_sdkConfig.cmake" ||
  test -f "$WORK"/prefix/lib/*/cmake/connhost_sdk/connhost_sdkConfig.cmake

cp -r "$WORK/prefix/share/connhost/sdk/template" "$WORK/project"
# Only the installed prefix: no path into this source tree.
cmake -S "$WORK/project" -B "$WORK/project/build" -G Ninja -DCMAKE_PREFIX_PATH="$WORK/prefix" \
  > "$WORK/configure.log"
cmake --build "$WORK/project/build" > "$WORK/build.log"
test -f "$WORK/project/build/connhost_example.so"

out=$("$CONNHOST" --config /nonexistent.toml --plugin-dir "$WORK/project/build" plugins list)
echo "$out"
# The ABI the installed header declares: the template is built against it.
abi=$(sed -n 's/^#define CONNHOST_ABI_MAJOR \([0-9]*\).*/\1/p' "$WORK/prefix/include/connhost/abi.h").$(
  sed -n 's/^#define CONNHOST_ABI_MINOR \([0-9]*\).*/\1/p' "$WORK/prefix/include/connhost/abi.h")
echo "$out" | grep -Eq '^example +0\.1\.0 +'"${abi/./\\.}"' +example +reporting +'"$WORK"'/project/build/connhost_example.so$'
if echo "$out" | grep -q refused; then echo "unexpected refusal" >&2; exit 1; fi
"$CONNHOST" --config /nonexistent.toml --plugin-dir "$WORK/project/build" plugins describe example |
  grep -Eq 'account_id +string +yes +no'
echo "out-of-tree connector built against the installed SDK and loaded"
