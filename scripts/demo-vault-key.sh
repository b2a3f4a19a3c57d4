#!/usr/bin/env bash
# The demo's token-vault key, data/vault-demo.key: 32 random bytes from OpenSSL as hex, made once
# per checkout and never committed (data/ is ignored). config/demo.toml reads it by reference;
# a real deployment keeps its keys outside the checkout (docs/login.md, "Keys").
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
KEY="$ROOT/data/vault-demo.key"
if [ ! -s "$KEY" ]; then
  mkdir -p "$ROOT/data"
  (umask 077 && openssl rand -hex 32 > "$KEY")
  echo "setup: made the demo's vault key $KEY"
fi
