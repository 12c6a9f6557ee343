#!/usr/bin/env bash
# The dashboard's third-party browser files, taken from npm packages once and committed
# under src/dyads/serve/static/vendor/ (the workbench runs offline: no CDN, no tiles).
# Only the minified files the dashboard loads are kept, each with its package's licence.
# Re-run to update: bash scripts/vendor_web.sh  (needs npm)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/src/dyads/serve/static/vendor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# package@version  files to keep (relative to the package folder)  -> vendor/<dir>
fetch() {
  local spec="$1" dir="$2"; shift 2
  (cd "$TMP" && npm pack "$spec" --silent >/dev/null)
  local tgz; tgz="$(ls -t "$TMP"/*.tgz | head -1)"
  rm -rf "$TMP/package" && tar xzf "$tgz" -C "$TMP" && rm "$tgz"
  mkdir -p "$OUT/$dir"
  for f in "$@"; do cp "$TMP/package/$f" "$OUT/$dir/"; done
  # the source maps are not shipped: drop the comment that points at them
  for f in "$OUT/$dir"/*.js; do [ -e "$f" ] && sed -i '/sourceMappingURL=/d' "$f"; done
  echo "$spec -> vendor/$dir: $*" >>"$OUT/VERSIONS.new"
}

rm -f "$OUT/VERSIONS.new"
fetch leaflet@1.9.4 leaflet dist/leaflet.js dist/leaflet.css LICENSE
fetch leaflet.markercluster@1.5.3 leaflet.markercluster dist/leaflet.markercluster.js dist/MarkerCluster.css \
  dist/MarkerCluster.Default.css MIT-LICENCE.txt
# Natural Earth 110m countries as TopoJSON (public domain data; world-atlas is ISC)
fetch world-atlas@2.0.2 world-atlas countries-110m.json LICENSE
fetch topojson-client@3.1.0 topojson-client dist/topojson-client.min.js LICENSE
fetch d3-dispatch@3.0.2 d3 dist/d3-dispatch.min.js
fetch d3-quadtree@3.0.2 d3 dist/d3-quadtree.min.js
fetch d3-timer@3.0.2 d3 dist/d3-timer.min.js
fetch d3-force@3.0.1 d3 dist/d3-force.min.js LICENSE  # the d3 modules share one ISC licence text
fetch swagger-ui-dist@5.35.0 swagger-ui swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE
mv "$OUT/VERSIONS.new" "$OUT/VERSIONS"
du -sh "$OUT"
