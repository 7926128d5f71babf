#!/usr/bin/env bash
# Builds the Debian package from the build tree, checks its contents and
# control data, unpacks it into a scratch root and runs the installed
# lexwatch against the installed configuration and rules.
#   package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$(ls "$work"/out/lexwatch_*.deb)
echo "built $(basename "$deb")"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/lexwatch ./etc/lexwatch/lexwatch.toml \
         ./etc/lexwatch/rules/water.toml ./usr/lib/systemd/system/lexwatch.service \
         ./usr/share/man/man8/lexwatch.8 ./usr/share/doc/lexwatch/README.md; do
  grep -qx "$f" <<<"$contents" || fail "package lacks $f"
done
rules_in_source=$(ls "$source"/rules/*.toml | wc -l)
rules_in_deb=$(grep -c '^./etc/lexwatch/rules/.*\.toml$' <<<"$contents")
[ "$rules_in_source" = "$rules_in_deb" ] ||
  fail "package has $rules_in_deb rule files, source has $rules_in_source"

dpkg-deb -e "$deb" "$work/control"
grep -qx /etc/lexwatch/lexwatch.toml "$work/control/conffiles" ||
  fail "lexwatch.toml is not a conffile"
[ "$(grep -c '^/etc/lexwatch/rules/' "$work/control/conffiles")" = "$rules_in_deb" ] ||
  fail "not every rule file is a conffile"
templates_in_source=$(ls "$source"/config/templates/*/*.mustache | wc -l)
templates_in_deb=$(grep -c '^./etc/lexwatch/templates/[a-z]*/.*\.mustache$' <<<"$contents")
[ "$templates_in_source" = "$templates_in_deb" ] ||
  fail "package has $templates_in_deb templates, source has $templates_in_source"
[ "$(grep -c '^/etc/lexwatch/templates/' "$work/control/conffiles")" = "$templates_in_deb" ] ||
  fail "not every template is a conffile"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libcurl4 libsqlite3-0 libpugixml1v5 libstemmer0d libutf8proc2; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done

root="$work/root"
dpkg -x "$deb" "$root"
# The installed config names /etc/lexwatch/rules; point a copy at the scratch
# root so the installed binary checks the installed rules.
sed -e "s|^rules_dir = .*|rules_dir = \"$root/etc/lexwatch/rules\"|" \
  -e "s|^templates_dir = .*|templates_dir = \"$root/etc/lexwatch/templates\"|" \
  "$root/etc/lexwatch/lexwatch.toml" >"$work/lexwatch.toml"
"$root/usr/bin/lexwatch" --version
"$root/usr/bin/lexwatch" check --config "$work/lexwatch.toml" ||
  fail "installed lexwatch check rejects the installed config"

if command -v groff >/dev/null; then
  warnings=$(groff -man -Tutf8 -ww -z "$root/usr/share/man/man8/lexwatch.8" 2>&1)
  [ -z "$warnings" ] || fail "man page warnings: $warnings"
fi
if command -v systemd-analyze >/dev/null; then
  score=$(systemd-analyze security --offline=true \
            "$root/usr/lib/systemd/system/lexwatch.service" 2>/dev/null |
          sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
  echo "systemd-analyze security exposure: $score"
  awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }' ||
    fail "unit exposure $score is above 2.0"
  # verify: unit syntax (unknown keys are only warned about, so any output
  # fails) and executables present, run against the installed binary.
  mkdir "$work/verify"
  sed "s|/usr/bin/lexwatch|$root/usr/bin/lexwatch|g" \
    "$root/usr/lib/systemd/system/lexwatch.service" >"$work/verify/lexwatch.service"
  verify=$(systemd-analyze verify --man=no "$work/verify/lexwatch.service" 2>&1) ||
    fail "systemd-analyze verify: $verify"
  [ -z "$verify" ] || fail "systemd-analyze verify: $verify"
  echo "systemd-analyze verify: clean"
fi
