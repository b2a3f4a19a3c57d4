#!/usr/bin/env bash
# Builds the three connector response-parser fuzzers with clang (libFuzzer + ASan + UBSan) in a
# separate CMake build and runs each for a bounded number of iterations from its seed corpus.
#   tests/fuzz/run_fuzzers.sh SOURCE_DIR BUILD_DIR [RUNS] [SECONDS]
# Exit 0: no fuzzer found anything; 1: a crash, sanitizer report, leak or timeout (the input is
# kept as BUILD_DIR/artifacts/<platform>-crash-...); 1 also when clang or libFuzzer is missing: setup installs both, so a missing one is a broken machine, not a reason to skip.
set -euo pipefail

src=$(cd "${1:?source dir}" && pwd)
out=${2:?build dir}
runs=${3:-20000}
seconds=${4:-60}
platforms=(tiktok meta google)

cxx=""
for c in "${CONNHOST_FUZZ_CXX:-}" clang++-14 clang++; do
  if [ -n "$c" ] && command -v "$c" >/dev/null 2>&1; then cxx=$(command -v "$c"); break; fi
done
if [ -z "$cxx" ]; then
  echo "fuzz: no clang++ on this machine (scripts/setup.sh installs clang-14)" >&2
  exit 1
fi
# libFuzzer's runtime comes with libclang-rt-*-dev on Debian; without it the link fails.
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' \
  >"$probe/p.cpp"
if ! "$cxx" -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" 2>"$probe/err"; then
  echo "fuzz: $cxx cannot link a libFuzzer binary (scripts/setup.sh installs libclang-rt-14-dev)" >&2
  sed 's/^/  /' "$probe/err" | head -5 >&2
  exit 1
fi

start=$(date +%s)
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
if [ ! -f "$out/CMakeCache.txt" ]; then
  cmake -S "$src/tests/fuzz/project" -B "$out" "${generator[@]}" -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_CXX_COMPILER="$cxx" -DCONNHOST_SOURCE_DIR="$src" >/dev/null
fi
cmake --build "$out" -j "$(nproc)"
echo "fuzz: built with $cxx in $(($(date +%s) - start)) s"

status=0
mkdir -p "$out/artifacts"
for p in "${platforms[@]}"; do
  # The seed corpus stays as committed: libFuzzer adds what it finds to a working copy.
  work="$out/corpus/$p"
  rm -rf "$work"
  mkdir -p "$work"
  cp "$src/tests/fuzz/corpus/$p/"* "$work/"
  t0=$(date +%s)
  log="$out/$p.log"
  if "$out/${p}_parse_fuzz" -runs="$runs" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$p-" "$work" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz: $p: ${execs:-?} inputs, no crash ($(($(date +%s) - t0)) s, corpus $(ls "$work" | wc -l) files)"
  else
    status=1
    echo "fuzz: $p: FAILED (log $log)"
    grep -E "ERROR|SUMMARY|runtime error|Test unit written|Base64" "$log" | head -20 || true
    tail -30 "$log"
  fi
done
echo "fuzz: total $(($(date +%s) - start)) s"
exit $status
