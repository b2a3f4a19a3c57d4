#!/usr/bin/env bash
# The demo: the platform sandbox on loopback, the host with the three first-party connector
# plugins loaded, the demo configuration validated against their schemas, and the embedded
# store (SQLite under data/) migrated. The reporting sync joins here when it lands.
set -euo pipefail
BUILD=${1:-build}
CONNHOST="$BUILD/bin/connhost"
SANDBOX="$BUILD/bin/connhost-sandbox"
CONFIG=config/demo.toml
PORT=${CONNHOST_SANDBOX_PORT:-8480}
SB="http://127.0.0.1:$PORT"

step() { printf '\n== %s\n' "$*"; }

step "connhost-sandbox --port $PORT (the offline Meta, Google and TikTok APIs)"
"$SANDBOX" --port "$PORT" > "$BUILD/sandbox-demo.log" 2>&1 &
SANDBOX_PID=$!
trap 'kill $SANDBOX_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -sf "$SB/_sandbox/health" > /dev/null && break
  kill -0 $SANDBOX_PID 2>/dev/null || { cat "$BUILD/sandbox-demo.log"; exit 1; }
  sleep 0.1
done
cat "$BUILD/sandbox-demo.log"

step "connhost version"
"$CONNHOST" version
step "connhost --config $CONFIG plugins list"
"$CONNHOST" --config "$CONFIG" plugins list
step "connhost config validate $CONFIG"
"$CONNHOST" config validate "$CONFIG"
step "connhost --config $CONFIG store migrate"
"$CONNHOST" --config "$CONFIG" store migrate

ACCOUNT=$(curl -s "$SB/_sandbox/accounts?platform=tiktok" | sed -E 's/.*"accounts":\[\{"platform":"tiktok","id":"([0-9]+)".*/\1/')
step "the sandbox's ground truth for TikTok advertiser $ACCOUNT, last 30 days"
curl -s "$SB/_sandbox/truth?platform=tiktok&account=$ACCOUNT&from=$(date -u -d '30 days ago' +%F)&to=$(date -u +%F)" |
  sed -E 's/,"campaigns".*/}/'
echo
