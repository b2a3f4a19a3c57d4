#!/usr/bin/env bash
# The demo: the platform sandbox on loopback, the host with the three first-party connector
# plugins, a sign-in through each platform's consent page into the token vault, a 12-month
# backfill of every sandbox account of Meta, Google and TikTok (and 85 days of Pinterest, through
# the declarative HTTP connector) into SQLite (data/connhost.db) on
# those grants, and the unified monthly report; then the dashboard.
set -euo pipefail
BUILD=${1:-build}
CONNHOST="$BUILD/bin/connhost"
SANDBOX="$BUILD/bin/connhost-sandbox"
CONFIG=config/demo.toml
bash scripts/demo-vault-key.sh
PORT=${CONNHOST_SANDBOX_PORT:-8480}
SB="http://127.0.0.1:$PORT"

step() { printf '\n== %s\n' "$*"; }

# Signs in through a connection as a person would in a browser: `connhost auth url` makes the
# authorize URL (state and PKCE verifier), the sandbox's consent page is opened and its
# `<a MARKER>` link (e.g. id="allow") followed to the redirect, and `connhost auth exchange` trades the code
# for a grant in the vault. The redirect URI is the one the dashboard's "Login with ..." uses.
# A third argument "own" signs in as a local user of its own (a business account, not the person).
USER_ARGS=()
sign_in() {
  local conn=$1 marker=$2 own=${3:-}
  local redirect="http://127.0.0.1:8007/auth/$conn/callback"
  local out url verifier link location code stored
  out=$("$CONNHOST" --config "$CONFIG" auth url "$conn" --redirect-uri "$redirect")
  url=$(printf '%s\n' "$out" | head -n 1)
  verifier=$(printf '%s\n' "$out" | sed -n 's/^verifier: //p')
  echo "consent page: ${url%%\?*}"
  link=$(curl -sf "$url" | grep -o "<a $marker href=\"[^\"]*\"" | head -n 1 |
    sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
  [ -n "$link" ] || { echo "demo: no '$marker' link on the consent page of $conn" >&2; exit 1; }
  case $link in /*) link="$SB$link" ;; esac
  # TikTok's page links to the callback itself; the others answer the click with a redirect.
  case $link in
    "$redirect"*) location=$link ;;
    *) location=$(curl -s -o /dev/null -w '%{redirect_url}' "$link") ;;
  esac
  code=$(printf '%s' "$location" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
  [ -n "$code" ] || { echo "demo: no code in the redirect of $conn" >&2; exit 1; }
  code=$(printf '%b' "${code//%/\\x}")
  local user=("${USER_ARGS[@]}")
  [ "$own" = own ] && user=()
  stored=$("$CONNHOST" --config "$CONFIG" auth exchange "$conn" "$code" --verifier "$verifier" \
    --redirect-uri "$redirect" "${user[@]}")
  echo "$stored"
  # One local user holds every grant, as one browser signing in to each platform would.
  if [ ${#USER_ARGS[@]} -eq 0 ] && [ "$own" != own ]; then
    USER_ARGS=(--user "$(printf '%s' "$stored" | sed -n 's/.* for user \([0-9]*\).*/\1/p')")
  fi
}

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

step "sign in through each platform's consent page (the grants the pipelines read with)"
sign_in tiktok_sandbox 'id="authorize"'
sign_in meta_sandbox 'id="allow"'
sign_in google_sandbox 'id="allow"'
sign_in tiktok_login 'class="authorize"'      # "Login with TikTok" (Login Kit) for people
sign_in tiktok_messages 'class="authorize"' own  # the TikTok Business Account of the inbox
"$CONNHOST" --config "$CONFIG" auth grants

# Each sign-in above synced its profile (docs/contacts.md): the person is one contact with a
# TikTok, a Meta and a Google identity, the business account another.
step "connhost --config $CONFIG contacts list (profiles from the sign-ins, kept as [contacts.fields] allows)"
"$CONNHOST" --config "$CONFIG" contacts list

for pipeline in tiktok_daily meta_daily google_daily; do
  step "connhost --config $CONFIG sync $pipeline --months 12"
  "$CONNHOST" --config "$CONFIG" --log-level warn sync "$pipeline" --months 12
done
# Pinterest, a platform added with a TOML manifest instead of C++ (docs/http-connector.md); its
# analytics go back 90 days at most.
step "connhost --config $CONFIG sync pinterest_daily --from $(date -u -d '-85 days' +%F)"
"$CONNHOST" --config "$CONFIG" --log-level warn sync pinterest_daily --from "$(date -u -d '-85 days' +%F)"

step "connhost --config $CONFIG fx load (config/fx-example.csv: dated rates into USD)"
"$CONNHOST" --config "$CONFIG" fx load

step "connhost --config $CONFIG report monthly --currency USD (the unified monthly report)"
"$CONNHOST" --config "$CONFIG" report monthly --currency USD

# The dashboard over what was just synced, with business messages: `connhost serve` in the
# background, then the sandbox's webhook driver posts signed TikTok and Meta deliveries to its
# /webhooks/ routes, and they land in the Inbox tab. Until Ctrl-C; DEMO_NO_SERVE=1 stops after
# showing the inbox instead (scripted runs).
step "connhost --config $CONFIG serve (the API, the dashboard, the webhook intake)"
"$CONNHOST" --config "$CONFIG" serve &
SERVE_PID=$!
trap 'kill $SERVE_PID $SANDBOX_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf http://127.0.0.1:8007/readyz > /dev/null && break
  kill -0 $SERVE_PID 2>/dev/null || { echo "demo: connhost serve did not start" >&2; exit 1; }
  sleep 0.1
done

step "the sandbox's webhook driver delivers TikTok and Meta messages to http://127.0.0.1:8007/webhooks/"
for p in "tiktok tiktok_messages" "meta meta_messages"; do
  set -- $p
  curl -sf -X POST "$SB/_sandbox/webhooks" \
    -d "{\"platform\":\"$1\",\"target_url\":\"http://127.0.0.1:8007/webhooks/$2\",\"mode\":\"burst\",\"count\":4}" |
    sed 's/^/  /'
  echo
done
"$CONNHOST" --config "$CONFIG" inbox status

# TikTok tells the app when a person disconnects it: authorization.removed, signed with the Login
# Kit client secret. The grant is revoked, the consent log says so, and the profile is frozen.
step "the person disconnects the app on TikTok: authorization.removed to /webhooks/tiktok_login"
curl -sf -X POST "$SB/_sandbox/webhooks" \
  -d '{"platform":"tiktok","event":"authorization.removed","target_url":"http://127.0.0.1:8007/webhooks/tiktok_login","mode":"single"}' |
  sed 's/^/  /'
echo
# The 200 came after the delivery was stored; the inbox's processor revokes right after.
for _ in $(seq 1 50); do
  "$CONNHOST" --config "$CONFIG" --log-level warn auth grants --connection tiktok_login |
    grep -q revoked && break
  sleep 0.1
done
"$CONNHOST" --config "$CONFIG" auth grants --connection tiktok_login
PERSON=$("$CONNHOST" --config "$CONFIG" contacts list --platform google | awk 'NR==2 {print $1}')
if [ -n "$PERSON" ]; then
  step "connhost --config $CONFIG contacts consent $PERSON (granted, then revoked by TikTok)"
  "$CONNHOST" --config "$CONFIG" contacts consent "$PERSON"
fi

if [ "${DEMO_NO_SERVE:-}" = "1" ]; then exit 0; fi
echo "dashboard: http://127.0.0.1:8007/   API: http://127.0.0.1:8007/api/openapi.json"
echo "\"Login with ...\" (Accounts tab) goes through the sandbox's consent pages and back; the"
echo "Inbox tab shows the delivered conversations, and a reply there goes out to the sandbox; the"
echo "Contacts tab shows the profiles with their history and consent record."
wait $SERVE_PID
