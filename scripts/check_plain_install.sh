#!/usr/bin/env bash
# A plain `pip install .` into a new venv, with the pip that venv ships (not upgraded: Python
# 3.11 ships pip 23, which resolves extras differently), then `dyads code` on a small file.
# Run by .ci/run before the tests; the venv is thrown away.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PY" -m venv "$tmp/venv"
echo "plain install with $("$tmp/venv/bin/pip" --version | cut -d' ' -f1-2)"
"$tmp/venv/bin/pip" install -q --disable-pip-version-check . 2> >(grep -v "^WARNING" >&2)
printf 'Talks in Oslo\n\nNorway hosted envoys from Sudan and South Sudan on Monday.\n' > "$tmp/small.txt"
out=$(cd "$tmp" && "$tmp/venv/bin/dyads" code small.txt --db "$tmp/small.duckdb" 2>&1)
echo "$out"
case "$out" in
  "coded 1 articles"*) ;;
  *) echo "plain install: dyads code did not code the small file" >&2; exit 1 ;;
esac
