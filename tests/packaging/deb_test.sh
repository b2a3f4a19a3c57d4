#!/usr/bin/env bash
# The Debian package, as ops get it: `cpack -G DEB` in the build folder, the .deb installed with
# dpkg into a root of its own (an empty dpkg database under a temp folder: the test never changes
# the machine it runs on), then the installed binary run from there: `connhost version` and
# `connhost plugins list`, which must find the packaged plugins and no others.
set -euo pipefail
BUILD=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "packaging test: $*" >&2; exit 1; }

(cd "$BUILD" && cpack -G DEB -B "$work/out" > "$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
debs=("$work"/out/connhost_*.deb)
[ -f "${debs[0]}" ] || { cat "$work/cpack.log"; fail "cpack made no connhost_*.deb"; }
deb=${debs[0]}
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"

info=$(dpkg-deb --info "$deb")
grep -q "^ Package: connhost$" <<< "$info" || fail "control: no 'Package: connhost'"
grep -q "^ Depends: .*libsoci" <<< "$info" || fail "control: Depends lacks libsoci (shlibdeps)"

root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status"
# The package's dependencies are this machine's libraries, not the empty root's: --force-depends.
dpkg --root="$root" --force-not-root --force-depends --log=/dev/null -i "$deb" > "$work/dpkg.log" 2>&1 ||
  { cat "$work/dpkg.log"; fail "dpkg -i failed"; }
grep -q "^Status: install ok installed" "$root/var/lib/dpkg/status" || fail "dpkg did not record it installed"

for f in usr/bin/connhost usr/bin/connhost-sandbox usr/bin/connhost-conformance \
  usr/lib/connhost/connhost-plugin-worker usr/lib/connhost/plugins/connhost_http_connector.so \
  usr/share/connhost/config/connectors/pinterest.toml \
  usr/lib/connhost/plugins/connhost_meta.so usr/lib/connhost/plugins/connhost_google.so \
  usr/lib/connhost/plugins/connhost_tiktok.so usr/share/connhost/config/connhost.toml.example \
  usr/share/connhost/config/categories.toml usr/share/connhost/web/index.html \
  usr/lib/systemd/system/connhost.service usr/include/connhost/abi.h; do
  [ -e "$root/$f" ] || fail "the package lacks /$f"
done
file "$root/usr/bin/connhost" | grep -q "not stripped" && fail "/usr/bin/connhost is not stripped"

# Run from an empty folder, so no plugins/ beside a config file can be what it finds.
cd "$work"
version=$("$root/usr/bin/connhost" version) || fail "connhost version failed"
echo "$version"
grep -q "0\.\|ABI" <<< "$version" || fail "connhost version printed no version"
plugins=$("$root/usr/bin/connhost" plugins list) || { echo "$plugins"; fail "connhost plugins list failed"; }
echo "$plugins"
for id in meta google tiktok http; do
  grep -q "^$id " <<< "$plugins" || fail "plugins list lacks $id"
done
grep -q "$root/usr/lib/connhost/plugins" <<< "$plugins" ||
  fail "plugins list does not show the packaged folder"
if grep -q "$BUILD/plugins" <<< "$plugins"; then fail "the installed host loaded the build's plugins"; fi
echo "packaging test: ok"
