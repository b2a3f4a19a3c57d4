#!/usr/bin/env bash
# Installs every build and test dependency of connhost from Debian 12 packages.
# Idempotent: when everything is present it only runs dpkg-query and compares one file.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config clang-format
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libboost-filesystem1.81-dev libboost-system1.81-dev
  libsoci-dev libsqlite3-dev libpq-dev sqlite3
  libtomlplusplus-dev libspdlog-dev libfmt-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libhowardhinnant-date-dev tzdata
  clang-14 libclang-rt-14-dev
  postgresql-15 postgresql-client-15
  curl ca-certificates openssl wrk
  dpkg-dev file fakeroot
  chromium
)
# The browser tests (tests/web) run node. A node that is already there (Debian's or another
# build that bundles npm) is used as it is; Debian's packages otherwise.
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# playwright-core from the npm registry, at the version of tests/web/package-lock.json. It drives
# Debian's /usr/bin/chromium: no browser is downloaded. Skipped while node_modules matches the lock.
WEB_TESTS="$(cd "$(dirname "$0")/.." && pwd)/tests/web"
if ! cmp -s "$WEB_TESTS/package-lock.json" "$WEB_TESTS/node_modules/.connhost-lock.json" 2>/dev/null; then
  echo "setup: npm ci in tests/web (playwright-core)"
  (cd "$WEB_TESTS" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  cp "$WEB_TESTS/package-lock.json" "$WEB_TESTS/node_modules/.connhost-lock.json"
fi

# config/demo.toml names the demo's vault key by reference; the tests load that file too.
bash "$(dirname "$0")/demo-vault-key.sh"
