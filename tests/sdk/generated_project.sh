#!/usr/bin/env bash
# `connhost sdk new` end to end, as a third party meets it: install connhost into a prefix,
# generate a project with every capability using the installed binary, build it against that
# prefix alone with the project's own CI script, which runs the conformance kit on the plugin
# against the project's recorded fixtures; then load the plugin into the installed host.
set -euo pipefail
BUILD_DIR=$1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/connhost-sdknew-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$BUILD_DIR" --prefix "$WORK/prefix" > "$WORK/install.log"
CONNHOST="$WORK/prefix/bin/connhost"
test -x "$WORK/prefix/bin/connhost-conformance" || fail "connhost-conformance is not installed"

cd "$WORK"
"$CONNHOST" sdk new acme_ads --capabilities reporting,login,messaging,profile \
  --display-name "Acme Ads" > new.log
grep -q 'wrote acme_ads/src/acme_ads_connector.cpp' new.log || fail "no connector source: $(cat new.log)"
test -x acme_ads/ci.sh || fail "ci.sh is not executable"
grep -q 'connhost::kReporting | connhost::kLogin | connhost::kMessaging | connhost::kProfile' \
  acme_ads/src/acme_ads_connector.cpp || fail "capabilities not in the skeleton"
if grep -q '@@' -r acme_ads; then fail "an unrendered placeholder: $(grep -rn '@@' acme_ads)"; fi

# The project's CI: configure against the prefix alone, build, ctest (the conformance kit).
(cd acme_ads && CONNHOST_PREFIX="$WORK/prefix" ./ci.sh) > ci.log 2>&1 ||
  { cat ci.log; fail "the generated project's ci.sh failed"; }
grep -q 'connhost_acme_ads_conformance .*Passed' ci.log || { cat ci.log; fail "no passing conformance test"; }
grep -q '100% tests passed' ci.log || { cat ci.log; fail "not every test passed"; }

# Every check applies to a project with every capability, the webhook one signed by the kit.
KIT="$WORK/prefix/bin/connhost-conformance"
kit() { "$KIT" acme_ads/build/connhost_acme_ads.so --connection acme_ads/conformance/connection.toml \
  --fixtures acme_ads/conformance/fixtures "$@"; }
kit > kit.log || { cat kit.log; fail "the kit failed on the generated project"; }
grep -q '^14 passed, 0 failed, 0 not applicable' kit.log || { cat kit.log; fail "not 14 checks passed"; }
grep -q '^PASS  webhook_signature  a delivery the kit signed' kit.log || { cat kit.log; fail "webhook check"; }

# A verify that lets a wrong signature through fails that check, and only that one.
sed -i 's/throw connhost::Error::auth("bad webhook signature");/;/' acme_ads/src/acme_ads_connector.cpp
cmake --build acme_ads/build > rebuild.log || { cat rebuild.log; fail "rebuild"; }
set +e
kit > broken.log; rc=$?
set -e
[ $rc -eq 1 ] || { cat broken.log; fail "a broken verify: exit $rc, expected 1"; }
grep -q '^FAIL  webhook_signature  a delivery with a wrong signature was accepted' broken.log ||
  { cat broken.log; fail "the broken verify was not named"; }
grep -q '^13 passed, 1 failed' broken.log || { cat broken.log; fail "other checks failed too"; }

out=$("$CONNHOST" --config /nonexistent.toml --plugin-dir acme_ads/build plugins list)
echo "$out" | grep -Eq '^acme_ads +0\.1\.0 .* reporting,login,messaging,profile +.*/acme_ads/build/connhost_acme_ads\.so$' ||
  fail "the installed host did not load the plugin: $out"

# A reporting-only project builds too (the capability blocks leave nothing dangling).
"$CONNHOST" sdk new shop_only --dir shop > /dev/null
(cd shop && CONNHOST_PREFIX="$WORK/prefix" ./ci.sh) > ci2.log 2>&1 || { cat ci2.log; fail "reporting-only project"; }

# Mistakes get a clear error and write nothing.
set +e
"$CONNHOST" sdk new acme_ads > again.log 2>&1; rc=$?
set -e
[ $rc -eq 1 ] && grep -q 'already exists and is not an empty folder' again.log || fail "overwrote: $(cat again.log)"
set +e
"$CONNHOST" sdk new Bad-Name > bad.log 2>&1; rc=$?
"$CONNHOST" sdk new fine --capabilities reporting,ads > caps.log 2>&1; rc2=$?
set -e
[ $rc -eq 2 ] && grep -q 'must start with a lower-case letter' bad.log || fail "bad name: $(cat bad.log)"
[ $rc2 -eq 2 ] && grep -q "unknown capability 'ads'" caps.log || fail "bad capability: $(cat caps.log)"
test ! -e Bad-Name && test ! -e fine || fail "a refused project left files behind"
echo "generated project built against the installed SDK and passed the conformance kit"
