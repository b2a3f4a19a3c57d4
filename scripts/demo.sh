#!/usr/bin/env bash
# The demo: the host on its embedded default store (SQLite under data/), with the three
# first-party connector plugins loaded and the demo configuration validated against them.
set -euo pipefail
BUILD=${1:-build}
CONNHOST="$BUILD/bin/connhost"
CONFIG=config/demo.toml

step() { printf '\n== %s\n' "$*"; }

step "connhost version"
"$CONNHOST" version
step "connhost --config $CONFIG plugins list"
"$CONNHOST" --config "$CONFIG" plugins list
step "connhost --config $CONFIG config validate $CONFIG"
"$CONNHOST" --config "$CONFIG" config validate "$CONFIG"
step "connhost --config $CONFIG store migrate"
"$CONNHOST" --config "$CONFIG" store migrate
step "connhost --config $CONFIG plugins describe tiktok"
"$CONNHOST" --config "$CONFIG" plugins describe tiktok
