#!/usr/bin/env bash
# Vendor the front-end packages pinned in package.json / package-lock.json from the npm registry
# into static/vendor/. Idempotent: does nothing when static/vendor/.stamp matches the lock file.
# Usage: scripts/vendor.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=static/vendor/.stamp
lock_sum=$(cat package.json $([ -f package-lock.json ] && echo package-lock.json) | sha256sum | cut -d" " -f1)
if [ "${1:-}" != "--force" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_sum" ]; then
  exit 0
fi

command -v npm >/dev/null || { echo "vendor.sh: npm is required (apt-get install nodejs npm)" >&2; exit 1; }
export npm_config_loglevel=error npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
if [ -f package-lock.json ]; then npm ci --no-progress; else npm install --no-progress; fi

rm -rf static/vendor
mkdir -p static/vendor/uswds static/vendor/htmx static/vendor/axe-core \
         static/vendor/chartjs static/vendor/d3 static/vendor/topojson static/vendor/world-atlas
cp -R node_modules/@uswds/uswds/dist/css node_modules/@uswds/uswds/dist/js \
      node_modules/@uswds/uswds/dist/img node_modules/@uswds/uswds/dist/fonts static/vendor/uswds/
cp node_modules/@uswds/uswds/LICENSE.md static/vendor/uswds/ 2>/dev/null || true
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
cp node_modules/htmx.org/LICENSE static/vendor/htmx/ 2>/dev/null || true
# The watchlist dashboard: chart.js (tier counts over time, risk trends), d3-geo (with the
# d3-array it needs) + topojson-client + world-atlas's countries-110m.json (the world map).
cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chartjs/
cp node_modules/chart.js/LICENSE.md static/vendor/chartjs/ 2>/dev/null || true
cp node_modules/d3-array/dist/d3-array.min.js node_modules/d3-geo/dist/d3-geo.min.js static/vendor/d3/
cp node_modules/d3-geo/LICENSE static/vendor/d3/LICENSE-d3-geo 2>/dev/null || true
cp node_modules/d3-array/LICENSE static/vendor/d3/LICENSE-d3-array 2>/dev/null || true
cp node_modules/topojson-client/dist/topojson-client.min.js static/vendor/topojson/
cp node_modules/topojson-client/LICENSE static/vendor/topojson/ 2>/dev/null || true
cp node_modules/world-atlas/countries-110m.json static/vendor/world-atlas/
cp node_modules/world-atlas/LICENSE static/vendor/world-atlas/ 2>/dev/null || true
# axe-core is for the browser tests only; it is vendored here so the tests need no network.
cp node_modules/axe-core/axe.min.js static/vendor/axe-core/
cp node_modules/axe-core/LICENSE static/vendor/axe-core/ 2>/dev/null || true
cat package.json package-lock.json | sha256sum | cut -d" " -f1 > "$stamp"
echo "vendor.sh: static/vendor/ refreshed from the npm registry"
