#!/usr/bin/env bash
# The offline demo: installs the dependencies, builds lexwatch, and runs one
# full cycle against the sample feeds under samples/ (config/demo.toml),
# delivering into one Maildir per recipient under demo-out/maildir/.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/build.sh

echo
echo "== Resetting demo-state/ (the database) and demo-out/ (delivered mail)"
rm -rf demo-state demo-out

lexwatch="${BUILD_DIR:-build}/lexwatch"
echo "== $lexwatch run --once --config config/demo.toml"
"$lexwatch" run --once --config config/demo.toml

echo
echo "== Delivered mail"
maildir=demo-out/maildir
total=0
if [ -d "$maildir" ]; then
  for box in "$maildir"/*/; do
    [ -d "$box/new" ] || continue
    count=$(find "$box/new" -type f | wc -l)
    total=$((total + count))
    printf '  %-28s %3d mail(s) in %s\n' "$(basename "$box")" "$count" "${box}new/"
  done
fi
echo "  total: $total mail(s)"
if [ "$total" -gt 0 ]; then
  first=$(find "$maildir" -path '*/new/*' -type f | sort | head -n 1)
  echo
  echo "Open one in a mail client, e.g.:  mutt -f $(dirname "$(dirname "$first")")"
  echo "or read the raw message:          less $first"
fi
echo "Sources and outbox:               $lexwatch status --config config/demo.toml"
