#!/usr/bin/env bash
# The demo: the platform sandbox on loopback, the host with the three first-party connector
# plugins, a 12-month backfill of every sandbox account of Meta, Google and TikTok into SQLite
# (data/connhost.db), and the unified monthly report.
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

step "connhost --config $CONFIG plugins list"
"$CONNHOST" --config "$CONFIG" plugins list
step "connhost config validate $CONFIG"
"$CONNHOST" config validate "$CONFIG"
step "connhost --config $CONFIG store migrate"
"$CONNHOST" --config "$CONFIG" store migrate

for pipeline in tiktok_daily meta_daily google_daily; do
  step "connhost --config $CONFIG sync $pipeline --months 12"
  "$CONNHOST" --config "$CONFIG" --log-level warn sync "$pipeline" --months 12
done

step "connhost --config $CONFIG fx load (config/fx-example.csv: dated rates into USD)"
"$CONNHOST" --config "$CONFIG" fx load

step "connhost --config $CONFIG report monthly --currency USD (the unified monthly report)"
"$CONNHOST" --config "$CONFIG" report monthly --currency USD

# The dashboard over what was just synced, until Ctrl-C. DEMO_NO_SERVE=1 stops here instead
# (scripted runs that only want the backfill and the report).
if [ "${DEMO_NO_SERVE:-}" = "1" ]; then exit 0; fi
step "connhost --config $CONFIG serve (the API and the dashboard; Ctrl-C stops it and the sandbox)"
echo "dashboard: http://127.0.0.1:8007/   API: http://127.0.0.1:8007/api/openapi.json"
"$CONNHOST" --config "$CONFIG" serve
